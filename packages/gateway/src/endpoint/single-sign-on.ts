// The `sso` exchange (PROTOCOL.md, DECISIONS 61): availability, then one token after another until the
// method has proven who the user is; admission then decides as for every login. Each exchange is bound
// to its connection and its session token, and ends with the connection or after a minute of silence.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import {
  AuthUnavailable,
  firstTokenMethod,
  ssoAvailability,
  type ClientSettings,
  type DirectoryConfig,
  type MultiStepAuthenticator,
  type SsoMethod,
  type StepResult,
} from '@kordon/core';
import type { SsoMessage, SsoReply } from '@kordon/protocol';
import type { KerberosAuthenticator } from '../auth/kerberos.js';
import { failure, type AuthOutcome, type SessionConnection, type SessionService } from './sessions.js';

export interface SingleSignOnParts {
  sessions: SessionService;
  directoryConfig: () => Promise<DirectoryConfig | undefined>;
  kerberos: KerberosAuthenticator;
  /** NTLM through winbind; null when this gateway has none. */
  ntlm: MultiStepAuthenticator | null;
  logger: Logger;
  /** How long an unfinished exchange waits for the client's next token. */
  idleMs?: number;
}

export type SsoAnswer = { kind: 'sso'; reply: SsoReply } | { kind: 'auth'; outcome: AuthOutcome };

interface Exchange {
  conn: SessionConnection;
  method: SsoMethod;
  timer: NodeJS.Timeout;
}

export class SingleSignOn {
  private readonly exchanges = new Map<string, Exchange>();
  /** Each connection's unfinished exchange: a new first token replaces it. */
  private readonly ofConnection = new Map<SessionConnection, string>();
  private lastProblem: string | null = null;

  constructor(private readonly p: SingleSignOnParts) {}

  async answer(conn: SessionConnection, msg: SsoMessage, settings: ClientSettings): Promise<SsoAnswer> {
    const offer = await this.offer();
    const available = ssoAvailability(offer, this.p.sessions.isLocal(conn.sourceAddress), msg.domain);
    if (!available.ok) {
      this.forget(conn);
      return notAuthorized(available.error);
    }
    if (msg.token === null) {
      return {
        kind: 'sso',
        reply: {
          type: 'sso',
          status: 'challenge',
          session_token: null,
          access_token: null,
          computer_name: available.computerName,
          error: null,
        },
      };
    }
    let result: StepResult;
    let method: SsoMethod;
    let sessionToken: string;
    try {
      if (msg.session_token === null) {
        this.forget(conn);
        const bytes = Buffer.from(msg.token, 'base64');
        const asked = bytes.length === 0 ? undefined : firstTokenMethod(bytes);
        if (asked === undefined) {
          return await this.refused(
            conn,
            'the token is neither a Kerberos nor an NTLM token',
            'unknown token',
          );
        }
        if (!available.methods.includes(asked)) {
          return await this.refused(
            conn,
            `${asked === 'ntlm' ? 'NTLM' : 'Kerberos'} is not enabled on this gateway`,
            `${asked} token, method not set up`,
          );
        }
        method = asked;
        sessionToken = randomBytes(24).toString('base64url');
        result = await this.method(method).begin(sessionToken, msg.token);
      } else {
        sessionToken = msg.session_token;
        const exchange = this.exchanges.get(sessionToken);
        // A token of another connection is unknown here: exchanges are bound to their connection.
        if (exchange?.conn !== conn) {
          return await this.refused(
            conn,
            'the single sign-on exchange is not known; start again',
            'unknown exchange',
          );
        }
        method = exchange.method;
        this.end(sessionToken, false);
        result = await this.method(method).step(sessionToken, msg.token);
      }
    } catch (e) {
      if (!(e instanceof AuthUnavailable)) throw e;
      this.forget(conn);
      this.p.logger.warn({ err: e, address: conn.sourceAddress }, 'a single sign-on could not be checked');
      return { kind: 'auth', outcome: { reply: failure('internal', 5, { what: e.what }) } };
    }
    switch (result.kind) {
      case 'continue':
        this.track(conn, sessionToken, method);
        return {
          kind: 'sso',
          reply: {
            type: 'sso',
            status: 'in_progress',
            session_token: sessionToken,
            access_token: result.token,
            error: null,
          },
        };
      case 'failed': {
        const r = result.refusal;
        if (r.reason === 'disabled') {
          await this.p.sessions.loginFailed(null, conn.sourceAddress, `${method}: ${r.detail}`);
          return {
            kind: 'auth',
            outcome: { reply: failure('disabled', 0, r.what === undefined ? {} : { what: r.what }) },
          };
        }
        return await this.refused(conn, r.what ?? 'the token was refused', `${method}: ${r.detail}`);
      }
      case 'done':
        return {
          kind: 'auth',
          outcome: await this.p.sessions.admitVerified(conn, result.identity, settings),
        };
    }
  }

  /** The connection closed: its exchange goes with it. */
  connectionClosed(conn: SessionConnection): void {
    this.forget(conn);
  }

  private method(method: SsoMethod): MultiStepAuthenticator {
    if (method === 'kerberos') return this.p.kerberos;
    if (this.p.ntlm === null) throw new AuthUnavailable('NTLM is not available on the gateway', 'no NTLM');
    return this.p.ntlm;
  }

  private async offer(): Promise<Parameters<typeof ssoAvailability>[0]> {
    const config = await this.p.directoryConfig();
    if (config === undefined) return { directory: null, kerberos: false, ntlm: false };
    const problem = config.keytab === null ? 'no keytab' : await this.p.kerberos.problem(config);
    // Said once per change of cause, not once per client.
    if (config.keytab !== null && problem !== this.lastProblem) {
      this.lastProblem = problem;
      if (problem !== null) this.p.logger.warn({ problem }, 'Kerberos single sign-on is not offered');
    }
    return { directory: config, kerberos: problem === null, ntlm: config.ntlm && this.p.ntlm !== null };
  }

  private async refused(conn: SessionConnection, what: string, detail: string): Promise<SsoAnswer> {
    this.forget(conn);
    await this.p.sessions.loginFailed(null, conn.sourceAddress, `single sign-on refused: ${detail}`);
    return { kind: 'auth', outcome: { reply: failure('sso', 0, { what }) } };
  }

  private track(conn: SessionConnection, sessionToken: string, method: SsoMethod): void {
    const timer = setTimeout(() => this.end(sessionToken, true), this.p.idleMs ?? 60_000);
    timer.unref();
    this.exchanges.set(sessionToken, { conn, method, timer });
    this.ofConnection.set(conn, sessionToken);
  }

  private forget(conn: SessionConnection): void {
    const sessionToken = this.ofConnection.get(conn);
    if (sessionToken !== undefined) this.end(sessionToken, true);
  }

  /** Stops tracking an exchange; `abandon`: its method forgets it too (it will not be continued). */
  private end(sessionToken: string, abandon: boolean): void {
    const exchange = this.exchanges.get(sessionToken);
    if (exchange === undefined) return;
    clearTimeout(exchange.timer);
    this.exchanges.delete(sessionToken);
    if (this.ofConnection.get(exchange.conn) === sessionToken) this.ofConnection.delete(exchange.conn);
    if (abandon) this.method(exchange.method).abandon(sessionToken);
  }
}

function notAuthorized(error: string): SsoAnswer {
  return {
    kind: 'sso',
    reply: { type: 'sso', status: 'not_authorized', session_token: null, access_token: null, error },
  };
}
