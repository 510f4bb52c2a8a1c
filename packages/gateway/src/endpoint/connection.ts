// One client WebSocket: parses each TEXT message, keeps the protocol state machine, answers.
// Messages of one connection are handled strictly in order.
import type { Logger } from 'pino';
import type { RawData, WebSocket } from 'ws';
import {
  CloseCode,
  admit,
  afterAuthorized,
  afterSessionEnded,
  afterVersion,
  initialConnectionState,
  maxConsecutiveErrors,
  type ConnectionState,
  type InstallerRepository,
  type PresentedCertificates,
  type SettingsRepository,
} from '@kordon/core';
import {
  encodeServerMessage,
  needsUpdate,
  parseClientMessage,
  type AuthStateMessage,
  type ClientMessage,
  type ServerMessage,
  type VersionMessage,
} from '@kordon/protocol';
import type { GatewayMetrics } from '../metrics.js';
import { ClientDeadline } from './deadline.js';
import type { PostureConnection, PostureService } from './posture.js';
import { failure, type AuthOutcome, type SessionConnection, type SessionService } from './sessions.js';
import type { Keepalive, KeptAlive } from './keepalive.js';
import type { SingleSignOn } from './single-sign-on.js';

export interface ConnectionDeps {
  sessions: SessionService;
  sso: SingleSignOn;
  posture: PostureService;
  settings: SettingsRepository;
  installers: InstallerRepository;
  metrics: GatewayMetrics;
  logger: Logger;
  /** The client port, for `download_url` (DECISIONS 48). */
  port: number;
  versionTimeoutMs: number;
  /** DECISIONS 68: from the upgrade, and after each refused login, to the next `authorize`/`resume`/`sso`. */
  authorizeTimeoutMs: number;
  /** Pings the connection once an interval and drops it when it stays silent. */
  keepalive: Keepalive;
  /** Called once when the connection first holds a session, and when it closes. */
  onAuthorized: () => void;
  onClosed: (wasAuthorized: boolean) => void;
}

/** Requests queued on one connection before it is refused (a client waits for each answer). */
const maxQueued = 16;
/** Clients retry up to a fifth later than a `timeout` says (DECISIONS 28's jitter; Kordon's client adds 0-20 %). */
const clientRetryJitter = 1.2;

export class ClientConnection implements SessionConnection, PostureConnection, KeptAlive {
  sessionId: string | null = null;
  private state: ConnectionState = initialConnectionState;
  private errorsInARow = 0;
  private queue: Promise<void> = Promise.resolve();
  private queued = 0;
  private closed = false;
  private everAuthorized = false;
  private downloadUrl: string | null = null;
  /** The extensions the client announced in `version` (DECISIONS 76): new message types go only to these. */
  features: ReadonlySet<string> = new Set();
  private readonly versionTimer: ClientDeadline;
  private authorizeTimer: ClientDeadline | undefined;
  /** Whether the client said anything (a pong, a message) since the last keepalive ping. */
  private alive = true;

  constructor(
    private readonly ws: WebSocket,
    readonly sourceAddress: string,
    /** The client certificate of the TLS handshake, for `authorize_device` (DECISIONS 77). */
    private readonly presented: PresentedCertificates | null,
    private readonly d: ConnectionDeps,
  ) {
    // DECISIONS 6: 4001 when no version comes in time; DECISIONS 68: 4008 when no login comes in time.
    this.versionTimer = new ClientDeadline(d.versionTimeoutMs, () => {
      this.close(CloseCode.versionTimeout, 'no version message in time');
    });
    this.armAuthorizeTimer();
    d.keepalive.add(this);
    ws.on('pong', () => (this.alive = true));
    ws.on('message', (data, isBinary) => {
      this.received(data, isBinary);
    });
    // A ws socket without an 'error' listener dies on an oversized frame (ARCHITECTURE pitfalls);
    // ws closes such a connection with 1009 itself.
    ws.on('error', (err) => {
      d.logger.debug({ err, address: sourceAddress }, 'client connection error');
    });
    ws.on('close', () => {
      this.teardown();
    });
  }

  /**
   * DECISIONS 68: a connection that does not log in closes with 4008; the client reconnects at once.
   * After a refusal that told the client to wait (`busy`, `throttled`), the wait it was told, with the
   * jitter clients add to it, does not count either: its deadline runs from the end of that wait.
   */
  private armAuthorizeTimer(toldToWaitSeconds = 0): void {
    this.authorizeTimer?.cancel();
    this.authorizeTimer = new ClientDeadline(
      this.d.authorizeTimeoutMs + toldToWaitSeconds * 1000 * clientRetryJitter,
      () => {
        this.close(CloseCode.authorizeTimeout, 'no login in time');
      },
    );
  }

  keepaliveTick(): void {
    if (!this.alive) {
      this.ws.terminate();
      return;
    }
    this.alive = false;
    this.ws.ping();
  }

  terminate(code: number, reason: string, last?: AuthStateMessage): void {
    this.state = afterSessionEnded(this.state);
    if (last) this.send(last);
    this.close(code, reason);
  }

  private received(data: RawData, isBinary: boolean): void {
    this.alive = true;
    if (isBinary) {
      this.close(CloseCode.binaryFrame, 'binary frames are not accepted; send JSON text');
      return;
    }
    if (++this.queued > maxQueued) {
      this.close(CloseCode.protocolViolation, 'too many messages without waiting for answers');
      return;
    }
    const text = Array.isArray(data)
      ? Buffer.concat(data).toString('utf8')
      : Buffer.from(data as ArrayBuffer).toString('utf8');
    this.queue = this.queue
      .then(() => this.handle(text))
      .catch((err: unknown) => {
        this.d.logger.error({ err, address: this.sourceAddress }, 'handling a client message failed');
        this.reject('internal_error', 'the gateway could not handle this message; try again', null);
      })
      .finally(() => {
        this.queued--;
      });
  }

  private async handle(text: string): Promise<void> {
    if (this.closed) return;
    const parsed = parseClientMessage(text);
    if (!parsed.ok) {
      this.reject(parsed.error.code, parsed.error.message, parsed.error.field);
      return;
    }
    const msg = parsed.value;
    const refusal = admit(this.state, msg.type);
    if (refusal) {
      this.reject(refusal.code, refusal.message, null);
      return;
    }
    // DECISIONS 68: an `unauthorize` before any session is answered but is no good message for DECISIONS 33.
    if (msg.type !== 'unauthorize' || this.sessionId !== null) this.errorsInARow = 0;
    // Time spent on the gateway's own queue does not count against the client's login deadline.
    if (
      msg.type === 'authorize' ||
      msg.type === 'resume' ||
      msg.type === 'sso' ||
      msg.type === 'authorize_device'
    )
      this.authorizeTimer?.cancel();
    await this.dispatch(msg);
  }

  private async dispatch(msg: ClientMessage): Promise<void> {
    switch (msg.type) {
      case 'version':
        await this.version(msg);
        return;
      case 'authorize': {
        const settings = await this.d.settings.get();
        const gate = this.gate(settings.enabled);
        if (gate) {
          this.send(gate);
          return;
        }
        const outcome = await this.d.sessions.authorizePassword(this, msg.login, msg.password, settings);
        this.authorized(outcome);
        return;
      }
      case 'authorize_device': {
        const settings = await this.d.settings.get();
        const gate = this.gate(settings.enabled);
        if (gate) {
          this.send(gate);
          return;
        }
        const outcome = await this.d.sessions.authorizeDevice(this, this.presented, settings);
        this.authorized(outcome);
        return;
      }
      case 'resume': {
        const settings = await this.d.settings.get();
        if (this.state.updateRequired) {
          this.send(this.updateFailure());
          return;
        }
        const outcome = await this.d.sessions.resume(this, msg.ticket, settings);
        this.authorized(outcome);
        return;
      }
      case 'sso': {
        const settings = await this.d.settings.get();
        const gate = this.gate(settings.enabled);
        if (gate) {
          this.send(gate);
          return;
        }
        const answer = await this.d.sso.answer(this, msg, settings);
        if (answer.kind === 'sso') {
          this.send(answer.reply);
          // DECISIONS 68: the login deadline counts again while the client works out its next token.
          if (answer.reply.status !== 'not_authorized') this.armAuthorizeTimer();
        } else {
          this.authorized(answer.outcome);
        }
        return;
      }
      case 'unauthorize': {
        const reply = await this.d.sessions.unauthorize(this);
        this.state = afterSessionEnded(this.state);
        this.send(reply);
        return;
      }
      case 'tunnel_wg': {
        const outcome = await this.d.sessions.setupTunnel(this, msg.public_key);
        if (outcome.kind === 'tunnel') {
          this.state = { ...this.state, tunnelReady: true };
          this.send(outcome.reply);
        } else if (outcome.kind === 'ended') {
          this.state = afterSessionEnded(this.state);
          this.send(outcome.reply);
        } else {
          this.reject(outcome.code, outcome.message, outcome.field);
        }
        return;
      }
      case 'ztna':
        // Reports are not answered (PROTOCOL.md): they are evaluated (endpoint/posture.ts).
        await this.d.posture.report(this, msg);
        return;
    }
  }

  private async version(msg: VersionMessage): Promise<void> {
    this.versionTimer.cancel();
    this.features = new Set(msg.kordon?.features ?? []);
    const installer = await this.d.installers.get(msg.os);
    const update = installer !== undefined && needsUpdate(msg, installer, installer.policy);
    this.state = afterVersion(this.state, update);
    if (!update) {
      this.send({ type: 'update', need_update: false, download_url: null });
      return;
    }
    this.downloadUrl = `:${this.d.port}/${installer.fileName}`;
    this.send({
      type: 'update',
      need_update: true,
      download_url: this.downloadUrl,
      version: { major: installer.major, minor: installer.minor, build: installer.build, os: installer.os },
    });
  }

  /** Failures that come before credentials are looked at: an update is due, or client login is off. */
  private gate(enabled: boolean): AuthStateMessage | undefined {
    if (this.state.updateRequired) return this.updateFailure();
    if (!enabled) return failure('client_authorization_off');
    return undefined;
  }

  private updateFailure(): AuthStateMessage {
    return failure('update_required', 0, this.downloadUrl ? { downloadUrl: this.downloadUrl } : {});
  }

  private authorized({ reply, session }: AuthOutcome): void {
    if (reply.authorized) {
      this.state = afterAuthorized(this.state, reply.need_tunnel);
      if (!this.everAuthorized) {
        this.everAuthorized = true;
        this.d.onAuthorized();
      }
    }
    this.send(reply);
    // DECISIONS 11: the posture request follows the auth_state that authorizes.
    if (reply.authorized && session) {
      this.d.posture.authorized(this, session).catch((err: unknown) => {
        this.d.logger.error({ err, address: this.sourceAddress }, 'starting the posture exchange failed');
      });
    }
  }

  sendPosture(encoded: string): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(encoded);
  }

  private reject(code: string, message: string, field: string | null): void {
    this.d.metrics.protocolErrors.inc({ code });
    this.send({ type: 'error', code, message, field });
    // DECISIONS 33: the fifth bad message in a row closes the connection.
    if (++this.errorsInARow >= maxConsecutiveErrors) {
      this.close(
        code === 'invalid_json' ? CloseCode.invalidJson : CloseCode.protocolViolation,
        'too many bad messages in a row',
      );
    }
  }

  private send(msg: ServerMessage): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    // DECISIONS 68: each refusal of a login gives the client a new deadline for its next attempt.
    const refused =
      (msg.type === 'auth_state' && !msg.authorized) ||
      (msg.type === 'sso' && msg.status === 'not_authorized');
    if (refused) this.armAuthorizeTimer(msg.type === 'auth_state' ? msg.timeout : 0);
    this.ws.send(encodeServerMessage(msg));
  }

  private close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.authorizeTimer?.cancel();
    this.ws.close(code, reason.slice(0, 120));
  }

  private teardown(): void {
    this.closed = true;
    this.versionTimer.cancel();
    this.authorizeTimer?.cancel();
    this.d.keepalive.remove(this);
    this.d.sso.connectionClosed(this);
    this.d.posture.connectionClosed(this);
    this.d.sessions.connectionClosed(this);
    this.d.onClosed(this.everAuthorized);
  }
}
