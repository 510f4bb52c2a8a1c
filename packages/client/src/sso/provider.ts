// The user's side of the relay (DECISIONS 78): answers the daemon's asks with tokens made in this
// process, from this user's credentials, for as long as the channel is open.
import type { LineChannel } from '../ipc/channel.js';
import { SsoUnavailable, type SsoContext, type SsoTokens } from './tokens.js';

export function answerTokenAsks(
  channel: LineChannel,
  tokens: SsoTokens,
  log: (level: 'info' | 'warn', message: string) => void,
): void {
  const contexts = new Map<number, SsoContext>();
  channel.onMessage((m) => {
    const id = m['id'];
    const ask = m['ask'];
    if (ask === 'end') {
      const context = typeof m['context'] === 'number' ? m['context'] : -1;
      contexts.get(context)?.close();
      contexts.delete(context);
      return;
    }
    if (typeof id !== 'number') return;
    const reply = (answer: Record<string, unknown>): void => channel.send({ id, ...answer });
    const failed = (e: unknown): void => {
      const message = e instanceof Error ? e.message : String(e);
      log('warn', `single sign-on: ${message}`);
      reply({ error: message, unavailable: e instanceof SsoUnavailable });
    };
    if (ask === 'start' && typeof m['host'] === 'string') {
      tokens.start(m['host']).then((context) => {
        contexts.set(id, context);
        log('info', `single sign-on: a ${context.method} token for ${String(m['host'])}`);
        reply({ method: context.method, token: context.token });
      }, failed);
    } else if (ask === 'next' && typeof m['context'] === 'number' && typeof m['token'] === 'string') {
      const context = contexts.get(m['context']);
      if (context === undefined) {
        reply({ error: 'no such single sign-on exchange' });
        return;
      }
      context.next(m['token']).then((token) => reply({ token }), failed);
    } else {
      reply({ error: 'not a single sign-on ask' });
    }
  });
  void channel.closed.then(() => {
    for (const c of contexts.values()) c.close();
    contexts.clear();
  });
}
