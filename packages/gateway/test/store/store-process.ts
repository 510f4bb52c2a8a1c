// A process of its own on one SQLite file, for the tests of processes that start or race at once
// (in one thread better-sqlite3 connections cannot wait for each other's locks). It says "ready", waits
// for a line on stdin, then opens the store (mode "open") or also claims a session's ticket (mode "claim"),
// and prints what it did as JSON.
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { openSqliteStore } from '../../src/store/index.js';

const [file = '', mode = 'open', ticket = ''] = process.argv.slice(2);
process.stdout.write('ready\n');
await once(process.stdin, 'data');
const messages: string[] = [];
const store = await openSqliteStore({ file, log: (msg) => messages.push(msg) });
let won = false;
if (mode === 'claim') {
  won = await store.transaction(async (tx) => {
    const session = await tx.sessions.get('s1');
    // The others come in while this one has read and not yet written.
    await delay(50);
    if (session?.resumeNonceHash !== 'ticket-0') return false;
    await tx.sessions.update({ ...session, resumeNonceHash: ticket });
    return true;
  });
}
await store.close();
process.stdout.write(`${JSON.stringify({ messages, won })}\n`);
process.stdin.destroy();
