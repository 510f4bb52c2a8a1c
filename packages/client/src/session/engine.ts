// One profile's connection to the gateway: version → (update) → login → tunnel → posture answers,
// and reconnects with resume until stopped. Network and OS work go through the injected parts. The
// same flow serves the device itself in Device VPN (DECISIONS 77): see `SessionParts.device`.
import type { ClientOptions } from 'ws';
import {
  KORDON_FEATURES,
  type AuthStateMessage,
  type PostureStateMessage,
  type SsoReply,
  type TunnelWgReply,
  type UpdateMessage,
  type ZtnaRequest,
} from '@kordon/protocol';
import { isClientError } from '../discovery/errors.js';
import type { KeyPair } from '../keys.js';
import { SsoUnavailable, type SsoTokens } from '../sso/tokens.js';
import { ErrorReply, GatewayConnection, NoReply, UpgradeRefused } from './connection.js';
import { afterClose, afterFailure, closeWords, deviceRetryDelayMs, reconnectDelayMs } from './policy.js';

export interface GatewayAddress {
  host: string;
  port: number;
  url: string;
  tls: ClientOptions;
}

export interface ClientIdentity {
  major: number;
  minor: number;
  build: number;
  os: 'windows' | 'macos' | 'linux';
}

/** What the session is doing, for `kordon status` and the log (DECISIONS 74). */
export type SessionState =
  | { state: 'locating'; server: string }
  | { state: 'connecting'; server: string; host: string; port: number }
  | { state: 'authorizing'; server: string; waitingFor: string }
  | { state: 'second_factor'; server: string; url: string; until: Date }
  | {
      state: 'connected';
      server: string;
      user: string;
      vpn: boolean;
      tunnelAddress: string | null;
      since: Date;
    }
  | { state: 'waiting'; why: string; retryInSeconds: number }
  | { state: 'stopped'; why: string; final: boolean };

export interface SessionParts {
  /** The profile's server, as configured: named in what the session says while it looks. */
  server: string;
  locate: () => Promise<GatewayAddress>;
  /** The password; `failed` says the last one was refused. Undefined: nobody can give one now. */
  password: (failed: { message: string } | null) => Promise<string | undefined>;
  login: string;
  identity: ClientIdentity;
  /** The WireGuard key pair, read when the tunnel is asked for. */
  keys: () => KeyPair;
  tunnel: {
    up(reply: TunnelWgReply, host: string, privateKey: string): Promise<{ address: string }>;
    down(): Promise<void>;
  };
  /** An update is required: fetch it, and say where it is. */
  update: (message: UpdateMessage, gateway: GatewayAddress) => Promise<string>;
  posture: (request: ZtnaRequest) => Promise<Record<string, unknown>>;
  /** The gateway's verdict on this device (DECISIONS 76). */
  onPostureState?: (message: PostureStateMessage) => void;
  onState: (s: SessionState) => void;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  sleep?: (ms: number) => Promise<void>;
  /** The reply deadline of every request (DECISIONS 63): 30 s when absent. */
  replyTimeoutMs?: number;
  /** How long a second factor in the browser may take (DECISIONS 63): 5 minutes when absent. */
  secondFactorTimeoutMs?: number;
  /**
   * Single sign-on (PROTOCOL.md `sso`): the domain the `sso` message names, and the user's tokens
   * (DECISIONS 78). `login` is then only what the session shows; `password` is not used.
   */
  sso?: { domain: string; tokens: SsoTokens };
  /**
   * The device's own session (Device VPN, DECISIONS 77): it logs in with the client certificate of
   * its mutual-TLS connection (`authorize_device`: no password, no resume ticket, every connection
   * proves itself again), and retries every failure, final ones too (DECISIONS 64's exception), with
   * back-off up to 5 minutes, until stopped. `login` and `password` are not used.
   */
  device?: {
    /** The certificate's SAN DNS name, as last read: who the gateway knows the device as. */
    name: () => string;
    /** The back-off's first wait, doubling to 5 minutes; 1 s when absent (tests shorten it). */
    firstRetryMs?: number;
  };
}

/** Why a connection attempt ended without a session; `final`: retrying cannot fix it (DECISIONS 64). */
class Stop extends Error {
  constructor(
    readonly why: string,
    readonly final: boolean,
    /** When the gateway said when to come back (busy). */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(why);
  }
}

export class ClientSession {
  private ticket: string | null = null;
  private stopping = false;
  private current: GatewayConnection | undefined;
  private password: string | undefined;
  private readonly sleep: (ms: number) => Promise<void>;
  private wake: (() => void) | undefined;
  private readonly replyTimeoutMs: number;

  constructor(private readonly p: SessionParts) {
    this.replyTimeoutMs = p.replyTimeoutMs ?? 30_000;
    this.sleep =
      p.sleep ??
      ((ms) =>
        new Promise((r) => {
          const t = setTimeout(r, ms);
          this.wake = () => {
            clearTimeout(t);
            r();
          };
        }));
  }

  /** Runs until stopped by the user or by something final; resolves with why it ended. */
  async run(): Promise<{ why: string; final: boolean }> {
    let attempt = 0;
    let freshLogin = false;
    for (;;) {
      if (this.stopping) return this.end('disconnected', true);
      let code: number;
      try {
        code = await this.once(freshLogin);
        attempt = 0;
      } catch (e) {
        const stop = asStop(e);
        if (this.isStopping()) return this.end('disconnected', true);
        if (stop.final) {
          await this.p.tunnel.down();
          if (!this.p.device) return this.end(stop.why, true);
        }
        // Transient (DECISIONS 64): back off with jitter, or as long as the gateway asked. A device
        // retries the final ones too.
        const ms =
          stop.retryAfterSeconds !== null
            ? jitter(stop.retryAfterSeconds * 1000)
            : this.retryDelayMs(attempt++);
        this.p.log('warn', `connection failed: ${stop.why}`);
        this.p.onState({ state: 'waiting', why: stop.why, retryInSeconds: Math.ceil(ms / 1000) });
        await this.sleep(ms);
        continue;
      }
      if (this.isStopping()) return this.end('disconnected', true);
      const next = afterClose(code);
      if (next.kind === 'stop') {
        await this.p.tunnel.down();
        if (!this.p.device) return this.end(next.why, true);
        const ms = this.retryDelayMs(attempt++);
        this.p.log('warn', `connection ended: ${next.why}`);
        this.p.onState({ state: 'waiting', why: next.why, retryInSeconds: Math.ceil(ms / 1000) });
        await this.sleep(ms);
        continue;
      }
      freshLogin = next.freshLogin;
      if (freshLogin) {
        this.ticket = null;
        await this.p.tunnel.down();
      }
      if (next.now) {
        this.p.log('info', closeWords(code));
        continue;
      }
      const ms = this.retryDelayMs(attempt++);
      this.p.onState({ state: 'waiting', why: closeWords(code), retryInSeconds: Math.ceil(ms / 1000) });
      await this.sleep(ms);
    }
  }

  private retryDelayMs(attempt: number): number {
    return this.p.device
      ? deviceRetryDelayMs(attempt, this.p.device.firstRetryMs)
      : reconnectDelayMs(attempt);
  }

  /** Read through a method: `stop()` may set it while `run` awaits. */
  private isStopping(): boolean {
    return this.stopping;
  }

  /**
   * `kordon posture check` while connected (DECISIONS 11): collects now for the gateway's last request
   * and sends if anything changed; undefined when not connected or nothing was asked yet.
   */
  async checkPosture(): Promise<{ report: Record<string, unknown>; sent: boolean } | undefined> {
    return this.current?.isOpen === true ? this.current.posture.checkNow() : undefined;
  }

  /** Logs out (the session ends at once: DECISIONS 31) and stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    const c = this.current;
    if (c?.isOpen) {
      try {
        await c.request({ type: 'unauthorize' }, ['auth_state'], 'the logout', 2000);
      } catch {
        // closing anyway
      }
      c.close(1000, 'disconnect');
    }
    await this.p.tunnel.down();
  }

  private end(why: string, final: boolean): { why: string; final: boolean } {
    this.p.onState({ state: 'stopped', why, final });
    return { why, final };
  }

  /** One connection, from open to close; returns the close code. */
  private async once(freshLogin: boolean): Promise<number> {
    this.p.onState({ state: 'locating', server: this.p.server });
    const gateway = await this.p.locate();
    // A stop that came while this attempt was under way: nothing is opened after it.
    if (this.isStopping()) throw new Stop('disconnected', true);
    this.p.onState({ state: 'connecting', server: this.p.server, host: gateway.host, port: gateway.port });
    const c = await GatewayConnection.open(gateway.url, gateway.tls, {
      posture: this.p.posture,
      postureState: (m) => this.p.onPostureState?.(m),
      log: this.p.log,
    });
    if (this.isStopping()) {
      c.close(1000, 'disconnect');
      throw new Stop('disconnected', true);
    }
    this.current = c;
    try {
      await this.checkVersion(c, gateway);
      const connected = await this.logIn(c, gateway, freshLogin);
      this.p.onState(connected);
      return await c.closed;
    } catch (e) {
      // A close while waiting for an answer is handled as the close it is (DECISIONS 29).
      if (!(e instanceof Stop) && !(e instanceof ErrorReply) && !c.isOpen) return await c.closed;
      throw e;
    } finally {
      this.current = undefined;
      c.close();
    }
  }

  private async checkVersion(c: GatewayConnection, gateway: GatewayAddress): Promise<void> {
    // DECISIONS 76: the extensions this client understands; a vendor gateway ignores the field.
    const version = {
      type: 'version' as const,
      ...this.p.identity,
      kordon: { features: [...KORDON_FEATURES] },
    };
    const update = await c.request(version, ['update'], 'the version message', this.replyTimeoutMs);
    if (!update.need_update) return;
    const where = await this.p.update(update, gateway);
    throw new Stop(
      `an update is required: the new version is at ${where}; install it and connect again`,
      true,
    );
  }

  /** Logs in (or resumes) and sets up the tunnel; returns the connected state. */
  private async logIn(
    c: GatewayConnection,
    gateway: GatewayAddress,
    freshLogin: boolean,
  ): Promise<Extract<SessionState, { state: 'connected' }>> {
    let auth = await this.authorize(c, gateway, freshLogin);
    let secondFactorUntil: Date | null = null;
    for (;;) {
      if (auth.welcome_url !== '' && !auth.authorized) {
        // The vendor's second factor (DECISIONS 63): the user finishes it in a browser while this
        // connection waits, up to 5 minutes in all, for the gateway's next word.
        this.p.log('info', `to finish logging in, open ${auth.welcome_url}`);
        secondFactorUntil ??= new Date(Date.now() + (this.p.secondFactorTimeoutMs ?? 300_000));
        auth = await this.awaitSecondFactor(c, gateway, auth, secondFactorUntil);
        continue;
      }
      if (auth.welcome_url !== '') this.p.log('info', `the gateway's welcome page: ${auth.welcome_url}`);
      if (!auth.authorized) {
        auth = await this.afterRefusal(c, gateway, auth);
        continue;
      }
      this.ticket = auth.resume_ticket ?? null;
      if (!auth.need_tunnel) return this.connectedState(gateway, auth, null);
      this.p.onState({ state: 'authorizing', server: gateway.host, waitingFor: 'the tunnel settings' });
      const keys = this.p.keys();
      const reply = await c.request(
        { type: 'tunnel_wg', public_key: keys.publicKey },
        ['tunnel_wg', 'auth_state'],
        'the tunnel request',
        this.replyTimeoutMs,
      );
      if (reply.type === 'auth_state') {
        // DECISIONS 61: the pending session ended (pool_exhausted, key_in_use, internal).
        this.ticket = null;
        auth = reply;
        continue;
      }
      let address: string;
      try {
        address = (await this.p.tunnel.up(reply, gateway.host, keys.privateKey)).address;
      } catch (e) {
        throw new Stop(`the tunnel could not be set up here: ${(e as Error).message}`, true);
      }
      // stop() may have taken the tunnel down while it was coming up.
      if (this.isStopping()) {
        await this.p.tunnel.down();
        throw new Stop('disconnected', true);
      }
      return this.connectedState(gateway, auth, address);
    }
  }

  private connectedState(
    gateway: GatewayAddress,
    auth: AuthStateMessage,
    tunnelAddress: string | null,
  ): Extract<SessionState, { state: 'connected' }> {
    return {
      state: 'connected',
      server: gateway.host,
      user: this.p.device ? this.p.device.name() : this.p.login,
      vpn: auth.need_tunnel,
      tunnelAddress,
      since: new Date(),
    };
  }

  private async awaitSecondFactor(
    c: GatewayConnection,
    gateway: GatewayAddress,
    auth: AuthStateMessage,
    until: Date,
  ): Promise<AuthStateMessage> {
    this.p.onState({ state: 'second_factor', server: gateway.host, url: auth.welcome_url, until });
    const left = until.getTime() - Date.now();
    try {
      if (left <= 0) throw new NoReply('');
      return await c.next(['auth_state'], 'the second factor', left);
    } catch (e) {
      if (e instanceof NoReply) {
        const minutes = Math.round((this.p.secondFactorTimeoutMs ?? 300_000) / 60_000);
        throw new Stop(
          `the second factor was not completed within ${minutes} minute${minutes === 1 ? '' : 's'} (${auth.welcome_url}); connect again to retry`,
          true,
        );
      }
      throw e;
    }
  }

  /** What a refused login leads to: another attempt's answer, or a Stop. */
  private async afterRefusal(
    c: GatewayConnection,
    gateway: GatewayAddress,
    auth: Extract<AuthStateMessage, { authorized: false }>,
  ): Promise<AuthStateMessage> {
    const next = afterFailure(auth.reason, auth.timeout);
    // A device has nobody to ask and nothing else to offer: run() tries again later (DECISIONS 64).
    if (this.p.device && (next.kind === 'ask-again' || next.kind === 'stop')) {
      throw new Stop(
        auth.reason === 'certificate'
          ? `the gateway refused this device's certificate: ${auth.message}`
          : auth.message,
        true,
      );
    }
    switch (next.kind) {
      case 'login-afresh':
        this.ticket = null;
        return this.authorize(c, gateway, true);
      case 'retry':
        this.p.onState({ state: 'waiting', why: auth.message, retryInSeconds: next.afterSeconds });
        await this.sleep(jitter(next.afterSeconds * 1000));
        if (this.isStopping()) throw new Stop('disconnected', true);
        return this.authorize(c, gateway, true);
      case 'ask-again': {
        // Single sign-on has no password to ask for: the refusal's words end the attempt.
        if (this.p.sso) throw new Stop(auth.message, true);
        // DECISIONS 28: never re-send refused credentials; wait, then ask the user again.
        this.password = undefined;
        if (next.afterSeconds > 0) {
          this.p.onState({ state: 'waiting', why: auth.message, retryInSeconds: next.afterSeconds });
          await this.sleep(next.afterSeconds * 1000);
        }
        const again = await this.p.password({ message: auth.message });
        if (again === undefined) throw new Stop(auth.message, true);
        this.password = again;
        return this.authorize(c, gateway, true);
      }
      case 'stop':
        throw new Stop(auth.message, true);
    }
  }

  /**
   * The `sso` exchange: is single sign-on available here, then the user's tokens until the gateway
   * answers `auth_state`. Unavailable (from outside, another domain) is waited out: the place may change.
   */
  private async singleSignOn(
    c: GatewayConnection,
    gateway: GatewayAddress,
    sso: { domain: string; tokens: SsoTokens },
  ): Promise<AuthStateMessage> {
    this.p.onState({ state: 'authorizing', server: gateway.host, waitingFor: 'single sign-on' });
    const offer = await c.request(
      { type: 'sso', token: null, session_token: null, domain: sso.domain },
      ['sso', 'auth_state'],
      'the single sign-on offer',
      this.replyTimeoutMs,
    );
    if (offer.type === 'auth_state') return offer;
    if (offer.status !== 'challenge') {
      throw new Stop(
        `single sign-on is not available: ${offer.error ?? 'the gateway gave no reason'}`,
        false,
      );
    }
    let context;
    try {
      context = await sso.tokens.start(gateway.host);
    } catch (e) {
      if (e instanceof SsoUnavailable) throw new Stop(e.message, true);
      throw e;
    }
    try {
      let token = context.token;
      let sessionToken: string | null = null;
      for (let step = 0; step < maxSsoSteps; step++) {
        const reply: SsoReply | AuthStateMessage = await c.request(
          { type: 'sso', token, session_token: sessionToken, domain: sso.domain },
          ['sso', 'auth_state'],
          'the single sign-on answer',
          this.replyTimeoutMs,
        );
        if (reply.type === 'auth_state') return reply;
        if (reply.status !== 'in_progress') {
          throw new Stop(`single sign-on was refused: ${reply.error ?? 'the gateway gave no reason'}`, false);
        }
        sessionToken = reply.session_token;
        try {
          token = await context.next(reply.access_token);
        } catch (e) {
          // NTLM learns only now that nothing is cached for the user: as final as no ticket at all.
          if (e instanceof SsoUnavailable) throw new Stop(e.message, true);
          throw e;
        }
      }
      throw new Stop(`single sign-on did not finish in ${maxSsoSteps} steps`, true);
    } finally {
      context.close();
    }
  }

  private async authorize(
    c: GatewayConnection,
    gateway: GatewayAddress,
    fresh: boolean,
  ): Promise<AuthStateMessage> {
    if (this.p.device) {
      // The proof is the TLS handshake's certificate (DECISIONS 77): nothing to send but the ask.
      this.p.onState({
        state: 'authorizing',
        server: gateway.host,
        waitingFor: 'the answer to the device login',
      });
      return c.request({ type: 'authorize_device' }, ['auth_state'], 'the device login', this.replyTimeoutMs);
    }
    if (!fresh && this.ticket !== null) {
      this.p.onState({ state: 'authorizing', server: gateway.host, waitingFor: 'the answer to the resume' });
      return c.request(
        { type: 'resume', ticket: this.ticket },
        ['auth_state'],
        'the resume',
        this.replyTimeoutMs,
      );
    }
    if (this.p.sso) return this.singleSignOn(c, gateway, this.p.sso);
    this.password ??= await this.p.password(null);
    if (this.password === undefined) throw new Stop('no password given', true);
    this.p.onState({ state: 'authorizing', server: gateway.host, waitingFor: 'the answer to the login' });
    return c.request(
      { type: 'authorize', login: this.p.login, password: this.password },
      ['auth_state'],
      'the login',
      this.replyTimeoutMs,
    );
  }
}

/** Exchanges longer than this are not single sign-on (Kerberos takes one step, NTLM two). */
const maxSsoSteps = 8;

/** Every way an attempt can fail, as a Stop: final or not (DECISIONS 64). */
function asStop(e: unknown): Stop {
  if (e instanceof Stop) return e;
  // An `error` reply: this gateway cannot handle what this client sends; another try sends the same.
  if (e instanceof ErrorReply) return new Stop(e.message, true);
  if (e instanceof NoReply) return new Stop(e.message, false);
  if (e instanceof UpgradeRefused)
    return new Stop(e.message, false, e.status === 503 ? e.retryAfterSeconds : null);
  if (isClientError(e)) return new Stop(e.message, !e.transient, e.retryAfterSeconds);
  return new Stop(e instanceof Error ? e.message : String(e), false);
}

function jitter(ms: number): number {
  return Math.round(ms * (1 + 0.2 * Math.random()));
}
