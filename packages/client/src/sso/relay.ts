// The daemon's side of single sign-on (DECISIONS 78): the tokens come from a process of the user
// (`kordon connect`, `kordon agent`) over a kept connection; the daemon only passes them on.
import type { LineChannel } from '../ipc/channel.js';
import { SsoUnavailable, type SsoContext, type SsoMethod, type SsoTokens } from './tokens.js';

/** How long the user's process has to make a token. */
const askTimeoutMs = 30_000;

/** What a user's process says of itself: display only, never trusted for access. */
export interface ProviderInfo {
  /** The user's name, for `kordon status`. */
  user: string | null;
  /** The Kerberos realm of the user's configuration: the `domain` of the `sso` message. */
  domain: string | null;
}

interface Provider {
  info: ProviderInfo;
  channel: LineChannel;
  nextId: number;
  waiting: Map<number, (answer: Record<string, unknown>) => void>;
}

export class SsoRelay {
  /** Each user's processes that make tokens, the newest last. */
  private readonly providers = new Map<number, Provider[]>();

  /** A user's process offers to make tokens until its connection closes. */
  register(uid: number, channel: LineChannel, info: ProviderInfo): void {
    const provider: Provider = { info, channel, nextId: 1, waiting: new Map() };
    channel.onMessage((m) => {
      const id = typeof m['id'] === 'number' ? m['id'] : undefined;
      const w = id === undefined ? undefined : provider.waiting.get(id);
      if (id !== undefined && w) {
        provider.waiting.delete(id);
        w(m);
      }
    });
    const list = this.providers.get(uid) ?? [];
    list.push(provider);
    this.providers.set(uid, list);
    void channel.closed.then(() => {
      const left = (this.providers.get(uid) ?? []).filter((p) => p !== provider);
      if (left.length > 0) this.providers.set(uid, left);
      else this.providers.delete(uid);
      for (const w of provider.waiting.values())
        w({ error: 'the single sign-on process ended', unavailable: true });
      provider.waiting.clear();
    });
  }

  has(uid: number): boolean {
    return (this.providers.get(uid)?.length ?? 0) > 0;
  }

  /** What the user's newest process said of itself. */
  infoOf(uid: number): ProviderInfo | undefined {
    return this.providers.get(uid)?.at(-1)?.info;
  }

  /** Tokens made by the user's newest process. */
  tokensFor(uid: number): SsoTokens {
    return {
      start: async (host) => {
        const provider = this.providers.get(uid)?.at(-1);
        if (provider === undefined) {
          throw new SsoUnavailable(
            'single sign-on runs as the user: connect with `kordon connect`, or start `kordon agent` in the desktop session',
          );
        }
        const first = await ask(provider, { ask: 'start', host });
        const context = first.id;
        const method: SsoMethod = first['method'] === 'ntlm' ? 'ntlm' : 'kerberos';
        const sso: SsoContext = {
          method,
          token: tokenOf(first),
          next: async (serverToken) =>
            tokenOf(await ask(provider, { ask: 'next', context, token: serverToken })),
          close: () => {
            provider.channel.send({ ask: 'end', context });
          },
        };
        return sso;
      },
    };
  }
}

function ask(
  provider: Provider,
  question: Record<string, unknown>,
): Promise<Record<string, unknown> & { id: number }> {
  const id = provider.nextId++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      provider.waiting.delete(id);
      reject(new SsoUnavailable('the single sign-on process did not answer in time'));
    }, askTimeoutMs);
    provider.waiting.set(id, (answer) => {
      clearTimeout(timer);
      if (typeof answer['error'] === 'string') {
        reject(
          answer['unavailable'] === true ? new SsoUnavailable(answer['error']) : new Error(answer['error']),
        );
      } else {
        resolve({ ...answer, id });
      }
    });
    provider.channel.send({ id, ...question });
  });
}

function tokenOf(answer: Record<string, unknown>): string {
  const token = answer['token'];
  if (typeof token !== 'string' || token === '') throw new Error('the single sign-on process gave no token');
  return token;
}
