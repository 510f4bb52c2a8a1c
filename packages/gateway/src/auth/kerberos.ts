// Kerberos single sign-on (DECISIONS 13): SPNEGO or raw Kerberos tokens accepted with the key of
// `HTTP/<auth_domain>` through MIT GSSAPI (the `kerberos` package). The keytab lives in the store
// with the directory; each process writes it to one 0600 file that KRB5_KTNAME names. MIT's replay
// cache (a file shared by the processes of a host) refuses a token seen before.
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  AuthUnavailable,
  accountOfPrincipal,
  kerberosProblem,
  type AuthRefusal,
  type DirectoryConfig,
  type Identity,
  type MultiStepAuthenticator,
  type StepResult,
} from '@kordon/core';
import type { DirectoryResolver } from './directory.js';

/** The part of the `kerberos` package the gateway uses. */
interface GssServer {
  readonly username: string;
  readonly response: string | null;
  readonly contextComplete: boolean;
  step(token: string): Promise<string>;
}

export interface KerberosModule {
  initializeServer(service: string): Promise<GssServer>;
}

export interface KerberosParts {
  directoryConfig: () => Promise<DirectoryConfig | undefined>;
  authDomain: () => Promise<string | null>;
  directory: DirectoryResolver;
  /** Where this process writes the keytab; KRB5_KTNAME names it before the first exchange. */
  keytabFile: string;
  /** Loads the native module; the default imports `kerberos`. */
  load?: () => Promise<KerberosModule>;
}

interface Exchange {
  server: GssServer;
  config: DirectoryConfig;
}

/** Exchanges running at once; beyond it a login is answered `internal` (retried by the client). */
const maxExchanges = 1024;

export class KerberosAuthenticator implements MultiStepAuthenticator {
  readonly method = 'kerberos' as const;
  private module: Promise<KerberosModule> | undefined;
  private writtenDigest: string | null = null;
  private readonly exchanges = new Map<string, Exchange>();

  constructor(private readonly p: KerberosParts) {
    // Set once, before any GSSAPI call reads it, so no thread reads the environment while it changes.
    process.env['KRB5_KTNAME'] = `FILE:${p.keytabFile}`;
  }

  /** Why Kerberos cannot be offered with `config` now, for the log; null when it can. */
  async problem(config: DirectoryConfig): Promise<string | null> {
    const keytab = config.keytab === null ? null : Buffer.from(config.keytab, 'base64');
    return kerberosProblem(keytab, await this.p.authDomain(), config.realm);
  }

  async begin(sessionToken: string, token: string): Promise<StepResult> {
    const config = await this.p.directoryConfig();
    const authDomain = await this.p.authDomain();
    if (config === undefined || config.keytab === null || authDomain === null) {
      return refused('Kerberos single sign-on is not set up on this gateway', 'no keytab or auth_domain');
    }
    if (this.exchanges.size >= maxExchanges) {
      throw new AuthUnavailable('too many single sign-on logins at once', 'Kerberos exchange limit');
    }
    this.writeKeytab(config.keytab);
    const k = await this.kerberos();
    let server: GssServer;
    try {
      server = await k.initializeServer(`HTTP@${authDomain.toLowerCase()}`);
    } catch (e) {
      throw new AuthUnavailable(
        'single sign-on is not set up correctly on the gateway',
        `Kerberos acceptor for HTTP/${authDomain}: ${(e as Error).message}`,
      );
    }
    return this.advance(sessionToken, { server, config }, token);
  }

  async step(sessionToken: string, token: string): Promise<StepResult> {
    const exchange = this.exchanges.get(sessionToken);
    if (exchange === undefined)
      return refused('the single sign-on exchange is not known', 'unknown exchange');
    return this.advance(sessionToken, exchange, token);
  }

  abandon(sessionToken: string): void {
    this.exchanges.delete(sessionToken);
  }

  lookup(account: string): Promise<Identity | undefined> {
    return this.p.directory.lookup(account);
  }

  private async advance(sessionToken: string, exchange: Exchange, token: string): Promise<StepResult> {
    let reply: string;
    try {
      reply = await exchange.server.step(token);
    } catch (e) {
      this.exchanges.delete(sessionToken);
      return gssFailure((e as Error).message);
    }
    if (!exchange.server.contextComplete) {
      this.exchanges.set(sessionToken, exchange);
      return { kind: 'continue', token: reply };
    }
    this.exchanges.delete(sessionToken);
    const verified = accountOfPrincipal(exchange.server.username, exchange.config);
    if (!verified.ok) return refused('this Kerberos name is not a user of the directory', verified.why);
    const result = await this.p.directory.resolve(verified.user);
    if (!result.ok) return { kind: 'failed', refusal: result };
    return {
      kind: 'done',
      identity: { ...result.identity, method: 'kerberos' },
      token: reply === '' ? null : reply,
    };
  }

  private kerberos(): Promise<KerberosModule> {
    this.module ??= (this.p.load ?? loadKerberos)().catch((e: unknown) => {
      this.module = undefined;
      throw new AuthUnavailable(
        'Kerberos is not installed on the gateway',
        `the kerberos module could not be loaded: ${(e as Error).message}`,
      );
    });
    return this.module;
  }

  /** Writes the keytab when it changed: to a new file, then renamed over, so no reader sees half. */
  private writeKeytab(base64: string): void {
    const digest = createHash('sha256').update(base64).digest('hex');
    if (digest === this.writtenDigest) return;
    mkdirSync(dirname(this.p.keytabFile), { recursive: true, mode: 0o700 });
    const temp = `${this.p.keytabFile}.${randomBytes(6).toString('hex')}`;
    writeFileSync(temp, Buffer.from(base64, 'base64'), { mode: 0o600, flag: 'wx' });
    chmodSync(temp, 0o600);
    renameSync(temp, this.p.keytabFile);
    this.writtenDigest = digest;
  }
}

async function loadKerberos(): Promise<KerberosModule> {
  const k = (await import('kerberos')) as unknown as { default?: KerberosModule } & KerberosModule;
  return k.default ?? k;
}

function refused(what: string, detail: string): StepResult {
  return { kind: 'failed', refusal: { ok: false, reason: 'credentials', detail, what } };
}

/**
 * GSSAPI's words for a refused token, as the user reads them: a replay and a clock skew are named
 * (the "reported as clock skew"); a key the keytab lacks is the gateway's fault, not the user's.
 */
export function gssFailure(message: string): StepResult {
  const m = message.toLowerCase();
  if (m.includes('replay')) {
    return refused('the single sign-on token was used before (a replay)', message);
  }
  if (m.includes('clock skew')) {
    return refused(
      "this computer's clock and the domain's differ by more than Kerberos allows (5 minutes); set the time right and connect again",
      message,
    );
  }
  if (m.includes('ticket expired')) {
    return refused('the Kerberos ticket has expired; log on again, or renew it (kinit)', message);
  }
  if (
    m.includes('key table entry') ||
    m.includes('key version') ||
    m.includes('wrong principal') ||
    m.includes('integrity check') ||
    m.includes('cannot find key')
  ) {
    throw new AuthUnavailable(
      'single sign-on is not set up correctly on the gateway (its keytab does not match the domain)',
      `Kerberos: ${message}`,
    );
  }
  const refusal: AuthRefusal = {
    ok: false,
    reason: 'credentials',
    detail: message,
    what: 'the Kerberos token was refused',
  };
  return { kind: 'failed', refusal };
}
