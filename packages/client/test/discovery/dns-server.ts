// A tiny authoritative DNS server on loopback UDP for the tests: answers A, AAAA and SRV questions
// from a table, NXDOMAIN for names it does not know, and logs every question it was asked.
// Only the minimal wire format (RFC 1035 §4): one question, answers with a pointer to it.
import { createSocket } from 'node:dgram';
import { isIP } from 'node:net';

export interface SrvAnswer {
  priority: number;
  weight: number;
  port: number;
  /** "." for "service decidedly not available". */
  target: string;
}

export interface DnsEntry {
  a?: string[];
  aaaa?: string[];
  srv?: SrvAnswer[];
}

export type DnsTable = Record<string, DnsEntry>;

export interface DnsQuestion {
  name: string;
  type: 'A' | 'AAAA' | 'SRV' | number;
}

export interface DnsServer {
  /** `127.0.0.1:<port>`, for Resolver.setServers. */
  server: string;
  table: DnsTable;
  questions: DnsQuestion[];
  close(): Promise<void>;
}

const types: Record<number, 'A' | 'AAAA' | 'SRV'> = { 1: 'A', 28: 'AAAA', 33: 'SRV' };

export async function startDnsServer(table: DnsTable): Promise<DnsServer> {
  const socket = createSocket('udp4');
  const questions: DnsQuestion[] = [];
  socket.on('message', (query, from) => {
    const answer = respond(query, table, questions);
    if (answer) socket.send(answer, from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  return {
    server: `127.0.0.1:${port}`,
    table,
    questions,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

function respond(query: Buffer, table: DnsTable, questions: DnsQuestion[]): Buffer | null {
  if (query.length < 12) return null;
  const id = query.readUInt16BE(0);
  const flags = query.readUInt16BE(2);
  let offset = 12;
  const labels: string[] = [];
  for (;;) {
    const length = query[offset];
    if (length === undefined) return null;
    offset += 1;
    if (length === 0) break;
    labels.push(query.toString('latin1', offset, offset + length));
    offset += length;
  }
  if (offset + 4 > query.length) return null;
  const qtype = query.readUInt16BE(offset);
  const questionEnd = offset + 4;
  const name = labels.join('.').toLowerCase();
  questions.push({ name, type: types[qtype] ?? qtype });

  const entry = table[name];
  const records: Buffer[] = [];
  if (entry) {
    if (qtype === 1) for (const a of entry.a ?? []) records.push(record(1, ipv4(a)));
    if (qtype === 28) for (const a of entry.aaaa ?? []) records.push(record(28, ipv6(a)));
    if (qtype === 33) for (const s of entry.srv ?? []) records.push(record(33, srv(s)));
  }
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  // QR, AA, RA; RD copied; RCODE 3 (NXDOMAIN) for unknown names, else 0 (possibly no data).
  header.writeUInt16BE(0x8000 | 0x0400 | 0x0080 | (flags & 0x0100) | (entry ? 0 : 3), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(records.length, 6);
  return Buffer.concat([header, query.subarray(12, questionEnd), ...records]);
}

function record(type: number, rdata: Buffer): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
  head.writeUInt16BE(type, 2);
  head.writeUInt16BE(1, 4); // IN
  head.writeUInt32BE(5, 6); // TTL
  head.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([head, rdata]);
}

function encodeName(name: string): Buffer {
  const labels = name === '.' ? [] : name.replace(/\.$/, '').split('.');
  return Buffer.concat([
    ...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'latin1')])),
    Buffer.from([0]),
  ]);
}

function srv(s: SrvAnswer): Buffer {
  const fixed = Buffer.alloc(6);
  fixed.writeUInt16BE(s.priority, 0);
  fixed.writeUInt16BE(s.weight, 2);
  fixed.writeUInt16BE(s.port, 4);
  return Buffer.concat([fixed, encodeName(s.target)]);
}

function ipv4(address: string): Buffer {
  if (isIP(address) !== 4) throw new Error(`not IPv4: ${address}`);
  return Buffer.from(address.split('.').map(Number));
}

function ipv6(address: string): Buffer {
  if (isIP(address) !== 6) throw new Error(`not IPv6: ${address}`);
  const [head = '', tail = ''] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = address.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}
