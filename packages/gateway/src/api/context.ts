// What every route module of the management API receives.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Cidr, Clock, PasswordHasher, Role, Store } from '@kordon/core';
import type { AdminServices } from '../admin/index.js';
import type { ConsoleFiles } from './console.js';
import { AdminLoginThrottle } from './login-throttle.js';
import type { GatewayMetrics } from '../metrics.js';

export interface ManagementApiDeps {
  store: Store;
  hasher: PasswordHasher;
  /** The administrative use cases (shared with the CLI); they reach live sessions through the change feed. */
  admin: AdminServices;
  metrics: GatewayMetrics;
  /** The workers' metrics (prom-client JSON), when the client endpoint runs in worker processes. */
  workerMetrics?: () => Promise<unknown[]>;
  clock: Clock;
  /** Where installers are kept (and served from by the client endpoint). */
  installersDir: string;
  /** The port the client endpoint listens on: an installer's `download_url` names it (DECISIONS 48). */
  clientPort?: number;
  logger: Logger | false;
  /** PEM key and certificate: the API then serves HTTPS (the default listener is TLS on 127.0.0.1:8443). */
  https?: { key: string; cert: string };
  /**
   * Fields added to GET /healthz beside `"status":"ok"` (DECISIONS 37): the gateway passes
   * `lan_enforcement` ("on" or "off") and the kinds of its `wireguard` and `firewall` drivers.
   */
  health?: () => Record<string, string>;
  /** The networks whose sources are local (`--local-networks`): sessions from them are shown as local. */
  localNetworks?: readonly Cidr[];
  /**
   * This node's WireGuard peers' byte counters by public key (the sessions list's rx_bytes and
   * tx_bytes); absent without a tunnel driver.
   */
  tunnelTraffic?: () => Promise<ReadonlyMap<string, PeerTraffic>>;
  /** How often the sessions stream reads the live sessions while anyone listens (default 1000 ms). */
  sessionStreamPollMs?: number;
  /**
   * The first administrator's password file (DECISIONS 21): removed once that password has been
   * changed, so it no longer lies around.
   */
  initialAdminPasswordFile?: string;
  /** The built admin console, served at /admin/ (undefined: not built, /admin/ says so). */
  console?: ConsoleFiles | undefined;
}

/** As the gateway counts them: received from the client, sent to it. */
export interface PeerTraffic {
  rxBytes: number;
  txBytes: number;
}

export type ApiApp = FastifyInstance<
  Server,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** Who is calling: a console session (cookie + CSRF token) or an API token. */
export type Principal =
  | {
      kind: 'session';
      name: string;
      role: Role;
      adminId: string;
      sessionId: string;
      csrfToken: string;
      /** Only GET /api/v1/me, PUT /api/v1/me/password and logout until the password is changed. */
      mustChangePassword: boolean;
    }
  | { kind: 'token'; name: string; role: Role; tokenId: string };

export interface ApiContext {
  readonly deps: ManagementApiDeps;
  /** The authenticated caller; only for routes behind a guard. */
  principal(request: FastifyRequest): Principal;
  setPrincipal(request: FastifyRequest, principal: Principal): void;
  /** Failed console logins and wrong current passwords, per name and address (DECISIONS 47). */
  readonly loginThrottle: AdminLoginThrottle;
  /** Argon2id hash of a random secret: verified for unknown names so timing does not tell them apart. */
  readonly dummyPasswordHash: string;
}

/** The caller, for event details: `admin "alice"` or `token "ci"`. */
export function actorOf(principal: Principal): string {
  return principal.kind === 'session' ? `admin "${principal.name}"` : `API token "${principal.name}"`;
}

export function createContext(deps: ManagementApiDeps, dummyPasswordHash: string): ApiContext {
  const principals = new WeakMap<FastifyRequest, Principal>();
  return {
    deps,
    dummyPasswordHash,
    loginThrottle: new AdminLoginThrottle(),
    principal(request) {
      const found = principals.get(request);
      // A route reading the principal without a guard is a programming error, never a client's.
      if (found === undefined) throw new Error('route has no authentication guard');
      return found;
    },
    setPrincipal(request, principal) {
      principals.set(request, principal);
    },
  };
}
