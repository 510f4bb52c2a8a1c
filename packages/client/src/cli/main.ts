// `kordon`: the workstation client. Talks to `kordon daemon` over its local socket, or runs one
// connection in the foreground (`kordon connect --foreground`) for scripts and tests.
import { statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { Command, Option } from 'commander';
import {
  AdminConfigStore,
  ConfigError,
  DeviceVpnStore,
  ProfileStore,
  detectDomain,
  formatConfigIssues,
  nodeFileReader,
  parseServerAddress,
  userProfilesFolder,
  type DeviceVpnConfig,
  type Profile,
  type ProfileData,
} from '../config/index.js';
import { createLogger, type LogFormat } from '@kordon/drivers';
import { ZTNA_KEYWORDS, type ZtnaRequest } from '@kordon/protocol';
import { Agent } from '../agent/agent.js';
import { agentLockFile, takeAgentLock } from '../agent/lock.js';
import { ClientDaemon } from '../daemon/daemon.js';
import { call, openChannel, type LineChannel } from '../ipc/channel.js';
import { collectPosture } from '../posture/index.js';
import { answerTokenAsks } from '../sso/provider.js';
import { credentialCacheFile, userRealm, userSsoTokens } from '../sso/user.js';
import { createSession } from '../runner.js';
import type { SessionState } from '../session/engine.js';
import { deviceStatusWords, statusOf, statusWords, type Status } from '../session/status.js';
import { progressBar, readPassword } from './terminal.js';

const defaults = {
  stateDir: '/var/lib/kordon-client',
  socket: '/run/kordon-client.sock',
  interfaceName: 'kordon-c0',
  deviceVpnConfig: '/etc/kordon/devicevpn.json',
};
const uid = process.getuid?.() ?? 0;
const isRoot = uid === 0;

class UsageError extends Error {}

/** Exit codes of `kordon connect`: connected, stopped for good (DECISIONS 64), usage, still trying. */
const exitCodes = { stopped: 1, usage: 2, notYet: 3 } as const;

type Log = (level: 'info' | 'warn' | 'error', message: string) => void;

/** DECISIONS 74: JSON lines for machines, readable lines on a terminal; `to` is where they go. */
function logTo(format: LogFormat, to: NodeJS.WriteStream): Log {
  const logger = createLogger({ level: 'info', format, destination: to }, to.isTTY);
  return (level, message) => {
    logger[level](message);
  };
}

const logFormatOption = new Option(
  '--log-format <format>',
  'log lines: json, pretty, or auto (pretty on a terminal)',
)
  .choices(['auto', 'json', 'pretty'])
  .default('auto');

function positiveInteger(option: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${option} must be a whole number above 0`);
  return n;
}

function out(json: boolean, data: unknown, human: string): void {
  process.stdout.write(json ? `${JSON.stringify(data)}\n` : `${human}\n`);
}

const socketOption = new Option('--socket <path>', 'the daemon socket').default(defaults.socket);

const program = new Command('kordon')
  .description('Kordon client: connect this computer through a Kordon (Ideco Client compatible) gateway')
  .option('--set-json-config <path>', "set the administrator's JSON configuration (root)")
  .option('--print-json-config', "print the administrator's JSON configuration")
  .option('--reset-json-config', "remove the administrator's JSON configuration (root)")
  .option(
    '--json-config-path <path>',
    'where the administrator configuration lives',
    '/etc/kordon/config.json',
  )
  .option(
    '--set-devicevpn-cert-path <file>',
    "Device VPN: the PEM file with the device's certificate, its chain and its private key (root)",
  )
  .option(
    '--set-devicevpn-host <host>',
    'Device VPN: the gateway, a name or an address, optionally :port (root)',
  )
  .addOption(
    new Option('--set-enable-devicevpn <on>', 'Device VPN: turn it on or off (root)').choices([
      'true',
      'false',
    ]),
  )
  .option(
    '--set-devicevpn-server-sha256 <fingerprint>',
    "Device VPN: pin the gateway certificate's SHA-256 ('' clears it) (root)",
  )
  .option('--set-devicevpn-ca-file <file>', "Device VPN: trust this CA for the gateway ('' clears it) (root)")
  .option('--print-devicevpn-config', 'print the Device VPN configuration')
  .option(
    '--devicevpn-config-path <path>',
    'where the Device VPN configuration lives',
    defaults.deviceVpnConfig,
  )
  // Options before a command are kordon's, after it the command's: `kordon daemon --json-config-path`
  // and `--devicevpn-config-path` reach the daemon instead of being taken as the top-level ones.
  .enablePositionalOptions()
  .showHelpAfterError()
  .exitOverride();

interface TopLevelOptions {
  setJsonConfig?: string;
  printJsonConfig?: boolean;
  resetJsonConfig?: boolean;
  jsonConfigPath: string;
  setDevicevpnCertPath?: string;
  setDevicevpnHost?: string;
  setEnableDevicevpn?: 'true' | 'false';
  setDevicevpnServerSha256?: string;
  setDevicevpnCaFile?: string;
  printDevicevpnConfig?: boolean;
  devicevpnConfigPath: string;
}

/** The `--set-devicevpn-*` options given, as one change (applied and stored together). */
function deviceVpnChanges(opts: TopLevelOptions): Partial<DeviceVpnConfig> {
  return {
    ...(opts.setDevicevpnCertPath !== undefined ? { cert_path: opts.setDevicevpnCertPath } : {}),
    ...(opts.setDevicevpnHost !== undefined ? { host: opts.setDevicevpnHost } : {}),
    ...(opts.setEnableDevicevpn !== undefined ? { enabled: opts.setEnableDevicevpn === 'true' } : {}),
    ...(opts.setDevicevpnServerSha256 !== undefined ? { server_sha256: opts.setDevicevpnServerSha256 } : {}),
    ...(opts.setDevicevpnCaFile !== undefined ? { ca_file: opts.setDevicevpnCaFile } : {}),
  };
}

function deviceVpnCommand(opts: TopLevelOptions, changes: Partial<DeviceVpnConfig>): void {
  const store = new DeviceVpnStore({ isRoot, path: opts.devicevpnConfigPath });
  if (Object.keys(changes).length > 0) {
    const { config, certificate } = store.set(changes);
    for (const w of certificate?.warnings ?? []) process.stderr.write(`kordon: warning: ${w}\n`);
    const who = certificate ? ` as ${certificate.name}` : '';
    process.stdout.write(
      config.enabled
        ? `Device VPN is on: the device connects${who} to ${config.host ?? '?'} (saved in ${store.path})\n`
        : `Device VPN is off (saved in ${store.path})\n`,
    );
  }
  if (opts.printDevicevpnConfig === true) process.stdout.write(`${store.printable()}\n`);
}

program.action((opts: TopLevelOptions) => {
  const changes = deviceVpnChanges(opts);
  if (Object.keys(changes).length > 0 || opts.printDevicevpnConfig === true) {
    if (opts.setJsonConfig !== undefined || opts.printJsonConfig === true || opts.resetJsonConfig === true) {
      throw new UsageError(
        'give the Device VPN options and the JSON configuration options in separate calls',
      );
    }
    deviceVpnCommand(opts, changes);
    return;
  }
  const store = new AdminConfigStore({ isRoot, path: opts.jsonConfigPath });
  if (opts.setJsonConfig !== undefined) {
    const result = store.set(opts.setJsonConfig);
    if (!result.ok) throw new UsageError(formatConfigIssues(opts.setJsonConfig, result.issues));
    process.stdout.write(`configuration set from ${opts.setJsonConfig}\n`);
  } else if (opts.printJsonConfig === true) {
    process.stdout.write(`${store.printable()}\n`);
  } else if (opts.resetJsonConfig === true) {
    process.stdout.write(store.reset() ? 'configuration removed\n' : 'there was no configuration\n');
  } else {
    program.help();
  }
});

program
  .command('daemon')
  .description('run the daemon that owns the tunnel (root; one per machine)')
  .option('--state-dir <dir>', 'state folder', defaults.stateDir)
  .addOption(socketOption)
  .option('--interface <name>', 'WireGuard interface (at most 15 characters)', defaults.interfaceName)
  .option('--json-config-path <path>', 'administrator configuration', '/etc/kordon/config.json')
  .option('--devicevpn-config-path <path>', 'Device VPN configuration', defaults.deviceVpnConfig)
  .option(
    '--device-backoff-ms <ms>',
    "Device VPN's first wait before a retry, doubling to 5 minutes (for tests)",
    (v) => positiveInteger('--device-backoff-ms', v),
    1000,
  )
  .addOption(logFormatOption)
  .action(
    async (opts: {
      stateDir: string;
      socket: string;
      interface: string;
      jsonConfigPath: string;
      devicevpnConfigPath: string;
      deviceBackoffMs: number;
      logFormat: LogFormat;
    }) => {
      if (!isRoot) throw new UsageError('the daemon runs as root (it owns the tunnel)');
      if (opts.interface.length > 15) throw new UsageError('--interface is at most 15 characters');
      const daemon = new ClientDaemon({
        stateDir: opts.stateDir,
        socket: opts.socket,
        interfaceName: opts.interface,
        adminConfigPath: opts.jsonConfigPath,
        deviceVpnConfigPath: opts.devicevpnConfigPath,
        deviceFirstRetryMs: opts.deviceBackoffMs,
        log: logTo(opts.logFormat, process.stdout),
      });
      await daemon.start();
      const stop = (): void => {
        void daemon.stop().then(() => process.exit(0));
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    },
  );

program
  .command('agent')
  .description(
    "connect this user's auto-connect profile at the desktop session's start and log it out at its end",
  )
  .addOption(logFormatOption)
  .addOption(socketOption)
  .option('--credentials-poll-ms <ms>', 'how often the Kerberos credential cache is looked at', '2000')
  .action(async (opts: { logFormat: LogFormat; socket: string; credentialsPollMs: string }) => {
    const log = logTo(opts.logFormat, process.stderr);
    const lockFile = agentLockFile();
    const lock = lockFile === null ? undefined : takeAgentLock(lockFile);
    if (lock?.ok === false) {
      log('info', `another kordon agent (pid ${lock.pid}) serves this session`);
      return;
    }
    try {
      await runAgent(opts, log);
    } finally {
      if (lock?.ok === true) lock.release();
    }
  });

async function runAgent(
  opts: { socket: string; credentialsPollMs: string },
  log: (level: 'info' | 'warn' | 'error', message: string) => void,
): Promise<void> {
  // DECISIONS 78: this process makes the user's single sign-on tokens for the daemon while it runs.
  const tokens = await offerSsoTokens(opts.socket, log);
  const agent = new Agent({ call: (request) => call(opts.socket, request), log });
  const started = await agent.start();
  const stays = agent.watchesCredentials;
  if (!stays && started.kind === 'nothing') {
    tokens?.close();
    return;
  }
  if (!stays && (started.kind !== 'started' || started.status.state === 'stopped')) {
    tokens?.close();
    process.exitCode = exitCodes.stopped;
    return;
  }
  // An SSO profile connects again when the user's ticket appears or is renewed (a logon, kinit).
  const watch = stays
    ? watchCredentialCache(credentialCacheFile(), Number(opts.credentialsPollMs), () =>
        agent.credentialsAppeared(),
      )
    : undefined;
  // Until the session ends (the service manager's SIGTERM, or the terminal's SIGHUP). Signal
  // handlers alone do not keep Node running: the timer does.
  const alive = setInterval(() => undefined, 3_600_000);
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(signal, resolve);
  });
  clearInterval(alive);
  clearInterval(watch);
  await agent.stop();
  tokens?.close();
}

/**
 * Offers the daemon this user's single sign-on tokens (DECISIONS 78) until the channel is closed;
 * undefined when the daemon does not take them (it still answers everything else).
 */
async function offerSsoTokens(
  socket: string,
  log: (level: 'info' | 'warn' | 'error', message: string) => void,
): Promise<LineChannel | undefined> {
  try {
    const channel = await openChannel(socket, {
      op: 'sso-provider',
      args: { user: userInfo().username, domain: userRealm() ?? '' },
    });
    answerTokenAsks(channel, userSsoTokens(), log);
    return channel;
  } catch {
    return undefined;
  }
}

/** Calls `appeared` when the cache file comes into being or changes; a cache that is no file is not watched. */
function watchCredentialCache(
  file: string | null,
  everyMs: number,
  appeared: () => Promise<void>,
): NodeJS.Timeout | undefined {
  if (file === null) return undefined;
  const stamp = (): number | null => {
    try {
      return statSync(file).mtimeMs;
    } catch {
      return null;
    }
  };
  let last = stamp();
  return setInterval(
    () => {
      const now = stamp();
      if (now !== null && now !== last) void appeared().catch(() => undefined);
      last = now;
    },
    Math.max(100, everyMs),
  );
}

program
  .command('connect [profile]')
  .description('connect with a profile (its id or name; default: the auto-selected one)')
  .option('--foreground', 'run the connection in this process until Ctrl-C (root)')
  .option('--server <host>', 'foreground: connect to this server without a profile')
  .option('--login <login>', 'foreground: the login for --server')
  .option('--ca-file <file>', 'foreground: trust this CA for --server')
  .option('--server-sha256 <fingerprint>', "foreground: pin the gateway certificate's SHA-256")
  .option('--password-stdin', 'read the password from standard input')
  .option('--state-dir <dir>', 'foreground: state folder', defaults.stateDir)
  .option('--interface <name>', 'foreground: WireGuard interface', defaults.interfaceName)
  .option('--json', 'print the result as JSON')
  .option('--auto', 'connect as auto-connect does: not a profile that last failed for good (DECISIONS 64)')
  .addOption(logFormatOption)
  .addOption(socketOption)
  .action(async (name: string | undefined, opts: ConnectOptions) => {
    if (opts.foreground === true) return foreground(name, opts);
    const password = opts.passwordStdin === true ? await readPassword('') : undefined;
    // An SSO profile's tokens come from this process (DECISIONS 78), for as long as it waits.
    const tokens = await offerSsoTokens(opts.socket, logTo(opts.logFormat, process.stderr));
    let result = (await call(opts.socket, {
      op: 'connect',
      args: {
        ...(name ? { profile: name } : {}),
        ...(password ? { password } : {}),
        ...(opts.auto === true ? { auto: true } : {}),
      },
    })) as Status;
    if (result.state === 'second_factor') {
      // The user finishes the login in a browser; the daemon's connection waits for the gateway.
      process.stderr.write(`${statusWords(result)}\n`);
      result = await settledStatus(opts.socket, result);
    }
    tokens?.close();
    out(opts.json === true, result, statusWords(result));
    process.exitCode = connectExitCode(result);
  });

/** States on the way to an outcome. */
const unsettled: readonly Status['state'][] = ['locating', 'connecting', 'authorizing', 'second_factor'];

/** Polls the daemon until the second factor has an outcome (DECISIONS 63: at most 5 minutes). */
async function settledStatus(socket: string, first: Status): Promise<Status> {
  let status = first;
  const until = Date.now() + 310_000;
  while (unsettled.includes(status.state) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 1000));
    status = (await call(socket, { op: 'status', args: {} })) as Status;
  }
  return status;
}

function connectExitCode(s: Status): number {
  if (s.state === 'connected') return 0;
  if (s.state === 'stopped' || s.state === 'disconnected') return exitCodes.stopped;
  return exitCodes.notYet;
}

interface ConnectOptions {
  foreground?: boolean;
  server?: string;
  login?: string;
  caFile?: string;
  serverSha256?: string;
  passwordStdin?: boolean;
  stateDir: string;
  interface: string;
  json?: boolean;
  auto?: boolean;
  logFormat: LogFormat;
  socket: string;
}

async function foreground(name: string | undefined, opts: ConnectOptions): Promise<void> {
  const store = new ProfileStore({
    folder: userProfilesFolder(opts.stateDir, uid),
    adminConfig: new AdminConfigStore({ isRoot }),
  });
  let profile: Profile | undefined;
  if (opts.server !== undefined) {
    if (opts.login === undefined) throw new UsageError('--server needs --login');
    if (!parseServerAddress(opts.server)) throw new UsageError(`"${opts.server}" is not a server address`);
    const data: ProfileData = {
      type: 'password',
      server: opts.server,
      login: opts.login,
      ...(opts.caFile ? { ca_file: opts.caFile } : {}),
      ...(opts.serverSha256 ? { server_sha256: opts.serverSha256 } : {}),
    };
    profile = {
      id: `adhoc-${opts.login}@${opts.server}`.replace(/[^A-Za-z0-9@._-]/g, '_'),
      name: opts.server,
      source: 'user',
      data,
      profile_options: { autoselect: false, autoconnect: false, read_only: false },
    };
  } else {
    profile = name ? store.find(name) : store.list().find((p) => p.profile_options.autoselect);
    if (!profile)
      throw new UsageError(name ? `no profile "${name}"` : 'no profile: give one, or --server and --login');
  }
  const fromStdin = opts.passwordStdin === true ? await readPassword('') : undefined;
  const saved =
    profile.source === 'json' || opts.server !== undefined ? null : store.savedPassword(profile.id);
  let last: SessionState | undefined;
  const session = createSession({
    profile,
    owner: { uid, gids: process.getgroups?.() ?? [] },
    userDir: userProfilesFolder(opts.stateDir, uid),
    stateDir: opts.stateDir,
    interfaceName: opts.interface,
    domain: detectDomain(nodeFileReader)?.realm ?? '',
    // This process is the user's (DECISIONS 78): it makes its own single sign-on tokens.
    sso: {
      domain: userRealm() ?? detectDomain(nodeFileReader)?.realm ?? '',
      tokens: userSsoTokens(),
      user: userInfo().username,
    },
    password: async (failed) => {
      if (failed) {
        process.stderr.write(`${failed.message}\n`);
        if (!process.stdin.isTTY) return undefined;
        return readPassword('Password: ');
      }
      return fromStdin ?? saved ?? (process.stdin.isTTY ? readPassword('Password: ') : undefined);
    },
    onState: (s) => {
      last = s;
      const status = statusOf(s);
      process.stderr.write(`${statusWords(status)}\n`);
      if (opts.json === true && s.state === 'connected') process.stdout.write(`${JSON.stringify(status)}\n`);
    },
    onProgress: progressBar('downloading the update'),
    log: logTo(opts.logFormat, process.stderr),
  });
  // DECISIONS 31: Ctrl-C or SIGTERM logs out (the session ends at once) before leaving.
  const stop = (): void => {
    void session.stop();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const end = await session.run();
  if (last?.state === 'stopped' && end.why !== 'disconnected') {
    if (opts.json === true) process.stdout.write(`${JSON.stringify(statusOf(last))}\n`);
    process.exitCode = exitCodes.stopped;
  }
}

program
  .command('disconnect')
  .description('log out and take the tunnel down')
  .addOption(socketOption)
  .action(async (opts: { socket: string }) => {
    await call(opts.socket, { op: 'disconnect', args: {} });
    process.stdout.write('disconnected\n');
  });

program
  .command('status')
  .description('the connection: state, server, user, local/VPN, tunnel address, since, last posture report')
  .option('--json', 'print JSON')
  .addOption(socketOption)
  .action(async (opts: { json?: boolean; socket: string }) => {
    const s = (await call(opts.socket, { op: 'status', args: {} })) as Status;
    out(
      opts.json === true,
      s,
      s.device ? `${statusWords(s)}\n${deviceStatusWords(s.device)}` : statusWords(s),
    );
  });

program
  .command('logs')
  .description("this user's connection log")
  .addOption(socketOption)
  .action(async (opts: { socket: string }) => {
    const lines = (await call(opts.socket, { op: 'logs', args: {} })) as string[];
    process.stdout.write(lines.map((l) => `${l}\n`).join(''));
  });

program
  .command('posture')
  .description('device posture (DECISIONS 11)')
  .command('check')
  .description('collect now and print the report; while connected, the gateway gets it if anything changed')
  .option('--json', 'print exactly the ztna message')
  .addOption(socketOption)
  .action(async (opts: { json?: boolean; socket: string }) => {
    // Connected: the daemon collects for the gateway's own request and sends it if it changed.
    let checked: { connected: boolean; report?: Record<string, unknown>; sent?: boolean } | undefined;
    try {
      checked = (await call(opts.socket, { op: 'posture-check', args: {} })) as typeof checked;
    } catch {
      checked = undefined;
    }
    let report = checked?.connected === true ? checked.report : undefined;
    // Not connected (or no daemon): what a request for every check would get, collected here.
    report ??= await collectPosture(fullPostureRequest(), {
      log: (level, message) => {
        if (level !== 'info') process.stderr.write(`${message}\n`);
      },
    });
    const message = { type: 'ztna', ...report };
    const words =
      checked?.connected === true
        ? checked.sent === true
          ? 'something changed: the report was sent to the gateway'
          : 'nothing changed since the last report: nothing was sent'
        : 'not connected: nothing was sent';
    if (opts.json === true) process.stdout.write(`${JSON.stringify(message)}\n`);
    else process.stdout.write(`${JSON.stringify(message, null, 2)}\n${words}\n`);
  });

/** A request for every check the protocol knows, with no lists: what `posture check` shows offline. */
function fullPostureRequest(): ZtnaRequest {
  return {
    type: 'ztna',
    period: 0,
    test_list: [...ZTNA_KEYWORDS],
    kb_list: [],
    proc_list: [],
    service_list: [],
    reg_key_list: [],
  };
}

const profile = program
  .command('profile')
  .description('connection profiles (yours; administrator profiles are read-only)');
profile
  .command('add <name>')
  .requiredOption('--server <host>', 'the gateway: name, address, optionally :port')
  .option('--login <login>', 'alice, CORP\\alice or alice@corp.example (password profiles)')
  .option('--sso', 'single sign-on profile (credentials from the operating system)')
  .option('--ca-file <file>', 'trust this CA (a self-signed gateway)')
  .option('--server-sha256 <fingerprint>', "pin the gateway certificate's SHA-256")
  .option('--save-password', 'save the password (read from stdin) if the administrator allows it')
  .option('--json', 'print JSON')
  .addOption(socketOption)
  .action(
    async (
      name: string,
      opts: {
        server: string;
        login?: string;
        sso?: boolean;
        caFile?: string;
        serverSha256?: string;
        savePassword?: boolean;
        json?: boolean;
        socket: string;
      },
    ) => {
      if (opts.sso !== true && opts.login === undefined)
        throw new UsageError('a password profile needs --login (or use --sso)');
      const pin = {
        ...(opts.caFile ? { ca_file: opts.caFile } : {}),
        ...(opts.serverSha256 ? { server_sha256: opts.serverSha256 } : {}),
      };
      const data =
        opts.sso === true
          ? { type: 'sso', server: opts.server, ...pin }
          : { type: 'password', server: opts.server, login: opts.login, ...pin };
      const password = opts.savePassword === true ? await readPassword('Password to save: ') : undefined;
      const p = (await call(opts.socket, {
        op: 'profile-add',
        args: { name, data, ...(password ? { password } : {}) },
      })) as Profile;
      out(opts.json === true, p, `added profile ${p.name} (${p.id})`);
    },
  );
profile
  .command('list')
  .option('--json', 'print JSON')
  .addOption(socketOption)
  .action(async (opts: { json?: boolean; socket: string }) => {
    const list = (await call(opts.socket, { op: 'profile-list', args: {} })) as Profile[];
    const human =
      list.length === 0
        ? 'no profiles'
        : list
            .map(
              (p) =>
                `${p.profile_options.autoconnect ? '*' : ' '} ${p.name}  ${p.data.type}  ${p.data.server}  ${p.source}${p.profile_options.read_only ? ' (read-only)' : ''}  ${p.id}`,
            )
            .join('\n');
    out(opts.json === true, { items: list }, human);
  });
profile
  .command('remove <profile>')
  .addOption(socketOption)
  .action(async (name: string, opts: { socket: string }) => {
    await call(opts.socket, { op: 'profile-remove', args: { profile: name } });
    process.stdout.write(`removed profile ${name}\n`);
  });
profile
  .command('set-auto <profile>')
  .description('make this the one profile that connects automatically (--off to stop)')
  .option('--off', 'turn auto-connect off')
  .addOption(socketOption)
  .action(async (name: string, opts: { off?: boolean; socket: string }) => {
    await call(opts.socket, { op: 'profile-set-auto', args: { profile: name, on: opts.off !== true } });
    process.stdout.write(`${name}: auto-connect ${opts.off === true ? 'off' : 'on'}\n`);
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  if (
    err instanceof Error &&
    'code' in err &&
    typeof err.code === 'string' &&
    err.code.startsWith('commander.')
  ) {
    const exitCode = 'exitCode' in err && typeof err.exitCode === 'number' ? err.exitCode : 2;
    process.exit(exitCode === 0 ? 0 : 2);
  }
  const known = err instanceof UsageError || err instanceof ConfigError;
  process.stderr.write(`kordon: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(known ? exitCodes.usage : exitCodes.stopped);
});
