// What a single sign-on login needs of the user's side (DECISIONS 78): a context that makes the tokens
// of one exchange. It lives in a process of the user (`kordon connect`, `kordon agent`); the daemon
// reaches it through the relay (relay.ts) and never reads a credential cache itself.

export type SsoMethod = 'kerberos' | 'ntlm';

/** One exchange's client context. */
export interface SsoContext {
  readonly method: SsoMethod;
  /** The first token, base64. */
  readonly token: string;
  /** The next token for the gateway's `access_token`. */
  next(serverToken: string): Promise<string>;
  close(): void;
}

export interface SsoTokens {
  /** A context for the gateway at `host` (the service principal is HTTP/<host>). */
  start(host: string): Promise<SsoContext>;
}

/** No token can be made: no ticket and no NTLM credentials, or no user process to make them. */
export class SsoUnavailable extends Error {
  override readonly name = 'SsoUnavailable';
}

/** Tries each source in order; the first that makes a token serves the exchange. */
export function firstAvailable(sources: readonly SsoTokens[]): SsoTokens {
  return {
    async start(host) {
      const why: string[] = [];
      for (const source of sources) {
        try {
          return await source.start(host);
        } catch (e) {
          if (!(e instanceof SsoUnavailable)) throw e;
          why.push(e.message);
        }
      }
      throw new SsoUnavailable(why.join('; ') || 'no single sign-on method is available');
    },
  };
}
