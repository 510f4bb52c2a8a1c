// `kordon-gateway`: start the gateway, and manage its users, administrators, tokens, installers and
// settings on the data directory.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { Command, Option } from 'commander';
import { pino } from 'pino';
import {
  StoreConflictError,
  defaultClientSettings,
  normalizeLocalLogin,
  validateLocalUserName,
  type ClientSettings,
  type Role,
  type Store,
} from '@kordon/core';
import { formatVersion } from '@kordon/protocol';
import { ApiError } from '../api/errors.js';
import { checkClientSettings } from '../api/settings-rules.js';
import { Argon2idHasher } from '../auth/password.js';
import { randomSecret, sha256Hex } from '../auth/secrets.js';
import { systemClock } from '../clock.js';
import { ConfigError, loadConfig } from '../config/load.js';
import { optionSpecs } from '../config/options.js';
import { dataPaths, defaultDataDir, ensureDataDir } from '../data-dir.js';
import { startGateway } from '../gateway.js';
import { InstallerError, registerInstaller } from '../installers.js';
import { openSqliteStore } from '../store/index.js';
import { UsageError } from './errors.js';
import { readSecretFromStdin } from './stdin.js';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const env = process.env;

function dataDirOf(opts: { dataDir?: string }): string {
  const fromEnv = env['KORDON_DATA_DIR'];
  return opts.dataDir ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : defaultDataDir(env, isRoot));
}

async function withStore<T>(opts: { dataDir?: string }, fn: (store: Store) => Promise<T>): Promise<T> {
  const paths = dataPaths(dataDirOf(opts));
  ensureDataDir(paths);
  const store = await openSqliteStore({ file: paths.database });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

function print(json: boolean, data: unknown, human: string): void {
  process.stdout.write(json ? `${JSON.stringify(data)}\n` : `${human}\n`);
}

function table(rows: string[][]): string {
  if (rows.length === 0) return '';
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const dataDirOption = new Option(
  '--data-dir <dir>',
  'data directory (default: /var/lib/kordon as root, else ~/.local/share/kordon)',
);
const jsonOption = new Option('--json', 'print JSON');

const program = new Command('kordon-gateway')
  .description('Kordon gateway: client endpoint, management API and tools')
  .showHelpAfterError()
  .exitOverride();

// start ----------------------------------------------------------------------------------------
const start = program
  .command('start')
  .description('start the gateway')
  .option('--config <file>', 'YAML configuration file');
for (const spec of optionSpecs) start.option(`--${spec.name} <value>`, spec.description);
start.action(async (opts: Record<string, string | undefined>) => {
  const flags: Record<string, string | undefined> = {};
  for (const spec of optionSpecs) flags[spec.name] = opts[camel(spec.name)];
  const config = loadConfig({
    flags,
    env,
    file: opts['config'],
    defaults: { dataDir: defaultDataDir(env, isRoot), nodeName: hostname() },
  });
  const logger = pino({ level: config.logLevel, base: { node: config.nodeName } });
  const gateway = await startGateway(config, logger, { env, isRoot });
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    // DECISIONS 52: a graceful stop ends within 20 s.
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    gateway.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
});

function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

// users ----------------------------------------------------------------------------------------
const user = program.command('user').description('local users who log in through the client');
user
  .command('add <name>')
  .description('add a local user; the password comes on stdin')
  .requiredOption('--password-stdin', 'read the password from standard input')
  .addOption(dataDirOption)
  .action(async (name: string, opts: { dataDir?: string }) => {
    const valid = validateLocalUserName(name);
    if (!valid.ok) throw new UsageError(valid.message);
    const password = await readSecretFromStdin('password');
    const hash = await new Argon2idHasher().hash(password);
    await withStore(opts, async (store) => {
      await store.users.create({
        id: randomUUID(),
        name: valid.name,
        passwordHash: hash,
        disabled: false,
        createdAt: systemClock.now(),
      });
      await store.events.append({
        at: systemClock.now(),
        kind: 'user_changed',
        account: valid.name,
        sourceAddress: null,
        detail: 'user added (CLI)',
      });
    });
    process.stdout.write(`added user ${valid.name}\n`);
  });
user
  .command('list')
  .description('list local users')
  .addOption(dataDirOption)
  .addOption(jsonOption)
  .action(async (opts: { dataDir?: string; json?: boolean }) => {
    const users = await withStore(opts, (store) => store.users.list());
    const items = users.map((u) => ({
      name: u.name,
      disabled: u.disabled,
      created_at: u.createdAt.toISOString(),
    }));
    print(
      opts.json === true,
      { items },
      users.length === 0
        ? 'no users'
        : table([
            ['NAME', 'DISABLED', 'CREATED'],
            ...items.map((u) => [u.name, String(u.disabled), u.created_at]),
          ]),
    );
  });
user
  .command('passwd <name>')
  .description("change a local user's password; the new password comes on stdin")
  .requiredOption('--password-stdin', 'read the password from standard input')
  .addOption(dataDirOption)
  .action(async (name: string, opts: { dataDir?: string }) => {
    const account = normalizeLocalLogin(name) ?? name;
    const password = await readSecretFromStdin('password');
    const hash = await new Argon2idHasher().hash(password);
    const changed = await withStore(opts, (store) => store.users.setPassword(account, hash));
    if (!changed) throw new UsageError(`no user named "${account}"`);
    process.stdout.write(`changed the password of ${account}\n`);
  });
user
  .command('remove <name>')
  .description(
    'remove a local user (their live sessions end when their connections do; the API ends them at once)',
  )
  .addOption(dataDirOption)
  .action(async (name: string, opts: { dataDir?: string }) => {
    const account = normalizeLocalLogin(name) ?? name;
    const removed = await withStore(opts, async (store) => {
      const ok = await store.users.remove(account);
      if (ok) {
        for (const g of await store.groups.groupsOf(account)) await store.groups.removeMember(g, account);
        await store.events.append({
          at: systemClock.now(),
          kind: 'user_changed',
          account,
          sourceAddress: null,
          detail: 'user removed (CLI)',
        });
      }
      return ok;
    });
    if (!removed) throw new UsageError(`no user named "${account}"`);
    process.stdout.write(`removed user ${account}\n`);
  });

// admins ---------------------------------------------------------------------------------------
program
  .command('admin')
  .description('administrators of the management API')
  .command('add <name>')
  .description('add an administrator; the password comes on stdin')
  .requiredOption('--password-stdin', 'read the password from standard input')
  .addOption(new Option('--role <role>', 'admin or viewer').choices(['admin', 'viewer']).default('admin'))
  .addOption(dataDirOption)
  .action(async (name: string, opts: { dataDir?: string; role: Role }) => {
    const valid = validateLocalUserName(name);
    if (!valid.ok) throw new UsageError(valid.message);
    const password = await readSecretFromStdin('password');
    const hash = await new Argon2idHasher().hash(password);
    await withStore(opts, (store) =>
      store.admins.create({
        id: randomUUID(),
        name: valid.name,
        passwordHash: hash,
        role: opts.role,
        createdAt: systemClock.now(),
      }),
    );
    process.stdout.write(`added administrator ${valid.name} (${opts.role})\n`);
  });

// tokens ---------------------------------------------------------------------------------------
program
  .command('token')
  .description('API tokens for the management API')
  .command('create')
  .description('create an API token; it is printed once (DECISIONS 45)')
  .requiredOption('--name <name>', 'what the token is for')
  .addOption(new Option('--role <role>', 'admin or viewer').choices(['admin', 'viewer']).default('admin'))
  .addOption(dataDirOption)
  .addOption(jsonOption)
  .action(async (opts: { dataDir?: string; name: string; role: Role; json?: boolean }) => {
    const token = randomSecret();
    const id = randomUUID();
    await withStore(opts, (store) =>
      store.tokens.create({
        id,
        name: opts.name,
        role: opts.role,
        tokenHash: sha256Hex(token),
        createdAt: systemClock.now(),
      }),
    );
    print(opts.json === true, { id, name: opts.name, role: opts.role, token }, token);
  });

// installers -----------------------------------------------------------------------------------
program
  .command('installer')
  .description('client installers offered for update')
  .command('add <file>')
  .description('register the installer of one OS (replaces the previous one of that OS)')
  .requiredOption('--os <os>', 'windows, macos or linux')
  .requiredOption('--version <x.y.z>', "the installer's version")
  .addOption(
    new Option('--policy <policy>', 'exact: update when different; minimum: update when older')
      .choices(['exact', 'minimum'])
      .default('exact'),
  )
  .option('--file-name <name>', 'name to serve it under (default: the file name)')
  .addOption(dataDirOption)
  .addOption(jsonOption)
  .action(
    async (
      file: string,
      opts: {
        dataDir?: string;
        os: string;
        version: string;
        policy: string;
        fileName?: string;
        json?: boolean;
      },
    ) => {
      const dir = dataPaths(dataDirOf(opts)).installers;
      const installer = await withStore(opts, (store) =>
        registerInstaller({
          store,
          dir,
          os: opts.os,
          version: opts.version,
          policy: opts.policy,
          ...(opts.fileName === undefined ? {} : { fileName: opts.fileName }),
          source: file,
          clock: systemClock,
          actor: 'CLI',
        }),
      );
      const item = {
        os: installer.os,
        version: formatVersion(installer),
        file_name: installer.fileName,
        size: installer.size,
        sha256: installer.sha256,
        policy: installer.policy,
      };
      print(
        opts.json === true,
        item,
        `registered ${item.file_name} (${item.os} ${item.version}, ${item.size} bytes, sha256 ${item.sha256})`,
      );
    },
  );

// groups and VPN-access rules (DECISIONS 17, 41) ----------------------------------------------
const group = program.command('group').description('local groups, named by VPN-access rules');
group
  .command('add <name>')
  .addOption(dataDirOption)
  .action(async (name: string, opts: { dataDir?: string }) => {
    const valid = validateLocalUserName(name);
    if (!valid.ok) throw new UsageError(valid.message.replace('user name', 'group name'));
    await withStore(opts, (store) => store.groups.create({ name: valid.name, createdAt: systemClock.now() }));
    process.stdout.write(`added group ${valid.name}\n`);
  });
group
  .command('list')
  .addOption(dataDirOption)
  .addOption(jsonOption)
  .action(async (opts: { dataDir?: string; json?: boolean }) => {
    const items = await withStore(opts, async (store) =>
      Promise.all(
        (await store.groups.list()).map(async (g) => ({
          name: g.name,
          members: await store.groups.members(g.name),
          created_at: g.createdAt.toISOString(),
        })),
      ),
    );
    print(
      opts.json === true,
      { items },
      items.length === 0
        ? 'no groups'
        : table([['GROUP', 'MEMBERS'], ...items.map((g) => [g.name, g.members.join(',')])]),
    );
  });
group
  .command('remove <name>')
  .addOption(dataDirOption)
  .action(async (name: string, opts: { dataDir?: string }) => {
    const removed = await withStore(opts, (store) => store.groups.remove(name.toLowerCase()));
    if (!removed) throw new UsageError(`no group named "${name}"`);
    process.stdout.write(`removed group ${name.toLowerCase()}\n`);
  });
for (const [verb, add] of [
  ['add-member', true],
  ['remove-member', false],
] as const) {
  group
    .command(`${verb} <group> <user>`)
    .addOption(dataDirOption)
    .action(async (groupName: string, userName: string, opts: { dataDir?: string }) => {
      const account = normalizeLocalLogin(userName) ?? userName;
      const g = groupName.toLowerCase();
      const done = await withStore(opts, async (store) => {
        if (!(await store.groups.get(g))) throw new UsageError(`no group named "${groupName}"`);
        if (add && !(await store.users.get(account))) throw new UsageError(`no user named "${account}"`);
        return add ? store.groups.addMember(g, account) : store.groups.removeMember(g, account);
      });
      if (!done) throw new UsageError(`${account} is not a member of ${g}`);
      process.stdout.write(`${add ? 'added' : 'removed'} ${account} ${add ? 'to' : 'from'} ${g}\n`);
    });
}

const vpnRule = program
  .command('vpn-rule')
  .description('who may connect from outside (first match wins; no match denies)');
vpnRule
  .command('add')
  .option('--users <names>', 'user names, comma-separated ("*": every user)')
  .option('--groups <names>', 'local group names, comma-separated')
  .option('--allow', 'allow VPN access (default)')
  .option('--deny', 'deny VPN access')
  .option('--position <n>', 'evaluation order (default: after the last rule)')
  .addOption(dataDirOption)
  .addOption(jsonOption)
  .action(
    async (opts: {
      users?: string;
      groups?: string;
      allow?: boolean;
      deny?: boolean;
      position?: string;
      dataDir?: string;
      json?: boolean;
    }) => {
      if (opts.allow === true && opts.deny === true) throw new UsageError('give --allow or --deny, not both');
      const split = (v: string | undefined): string[] =>
        (v ?? '')
          .split(',')
          .map((x) => x.trim())
          .filter((x) => x !== '');
      const checkName = (name: string, what: string): string => {
        const valid = validateLocalUserName(normalizeLocalLogin(name) ?? name);
        if (!valid.ok) throw new UsageError(`${what} "${name}": ${valid.message}`);
        return valid.name;
      };
      const users = split(opts.users).map((u) => (u === '*' ? u : checkName(u, 'user')));
      const groups = split(opts.groups).map((g) => checkName(g, 'group'));
      if (users.length === 0 && groups.length === 0) {
        throw new UsageError(
          'a rule names users (--users alice,bob or --users "*") or groups (--groups staff)',
        );
      }
      const rule = await withStore(opts, async (store) => {
        const existing = await store.vpnRules.list();
        let position = (existing[existing.length - 1]?.position ?? 0) + 10;
        if (opts.position !== undefined) {
          if (!/^\d{1,9}$/.test(opts.position)) throw new UsageError('--position is a whole number');
          position = Number(opts.position);
        }
        const created = {
          id: randomUUID(),
          position,
          action: opts.deny === true ? ('deny' as const) : ('allow' as const),
          users,
          groups,
          createdAt: systemClock.now(),
        };
        await store.vpnRules.create(created);
        return created;
      });
      const item = {
        id: rule.id,
        position: rule.position,
        action: rule.action,
        users: rule.users,
        groups: rule.groups,
      };
      print(opts.json === true, item, `added rule ${rule.id} at position ${rule.position}: ${rule.action}`);
    },
  );
vpnRule
  .command('list')
  .addOption(dataDirOption)
  .addOption(jsonOption)
  .action(async (opts: { dataDir?: string; json?: boolean }) => {
    const rules = await withStore(opts, (store) => store.vpnRules.list());
    const items = rules.map((r) => ({
      id: r.id,
      position: r.position,
      action: r.action,
      users: r.users,
      groups: r.groups,
    }));
    print(
      opts.json === true,
      { items },
      items.length === 0
        ? 'no rules: VPN access from outside is denied to everyone'
        : table([
            ['POSITION', 'ACTION', 'USERS', 'GROUPS', 'ID'],
            ...items.map((r) => [String(r.position), r.action, r.users.join(','), r.groups.join(','), r.id]),
          ]),
    );
  });
vpnRule
  .command('remove <id>')
  .addOption(dataDirOption)
  .action(async (id: string, opts: { dataDir?: string }) => {
    const removed = await withStore(opts, (store) => store.vpnRules.remove(id));
    if (!removed) throw new UsageError(`no rule with id "${id}"`);
    process.stdout.write(`removed rule ${id}\n`);
  });

// events (DECISIONS 23) ------------------------------------------------------------------------
program
  .command('events')
  .description('the event log, newest first: logins, failures, ended sessions, changes')
  .option('--limit <n>', 'how many (at most 100000)', '100')
  .option('--json-lines', 'one JSON object per line (for export)')
  .addOption(dataDirOption)
  .action(async (opts: { limit: string; jsonLines?: boolean; dataDir?: string }) => {
    if (!/^\d{1,6}$/.test(opts.limit) || Number(opts.limit) < 1 || Number(opts.limit) > 100_000) {
      throw new UsageError('--limit is a whole number from 1 to 100000');
    }
    const events = await withStore(opts, (store) => store.events.list(Number(opts.limit)));
    const items = events.map((e) => ({
      at: e.at.toISOString(),
      kind: e.kind,
      account: e.account,
      source_address: e.sourceAddress,
      detail: e.detail,
    }));
    if (opts.jsonLines === true) {
      process.stdout.write(items.map((i) => `${JSON.stringify(i)}\n`).join(''));
      return;
    }
    process.stdout.write(
      items.length === 0
        ? 'no events\n'
        : `${table([['AT', 'KIND', 'ACCOUNT', 'ADDRESS', 'DETAIL'], ...items.map((i) => [i.at, i.kind, i.account ?? '', i.source_address ?? '', i.detail])])}\n`,
    );
  });

// settings -------------------------------------------------------------------------------------
const settings = program
  .command('settings')
  .description('client-authorization settings (the vendor API object)');
settings
  .command('get')
  .addOption(dataDirOption)
  .addOption(jsonOption)
  .action(async (opts: { dataDir?: string; json?: boolean }) => {
    const s = await withStore(opts, (store) => store.settings.get());
    print(
      opts.json === true,
      s,
      Object.entries(s)
        .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
        .join('\n'),
    );
  });
settings
  .command('set <assignments...>')
  .description(
    'set KEY=VALUE: enabled, auth_domain, local_tunnel, device_vpn (true|false|null as JSON), trusted_ca_cert=@FILE',
  )
  .addOption(dataDirOption)
  .action(async (assignments: string[], opts: { dataDir?: string }) => {
    await withStore(opts, async (store) => {
      const before = await store.settings.get();
      const next = { ...before };
      for (const a of assignments) await applyAssignment(next, a);
      let checked: ClientSettings;
      try {
        checked = checkClientSettings(next);
      } catch (e) {
        if (e instanceof ApiError) throw new UsageError(e.message);
        throw e;
      }
      await store.settings.put(checked);
      await store.events.append({
        at: systemClock.now(),
        kind: 'settings_changed',
        account: null,
        sourceAddress: null,
        detail: `settings changed (CLI): ${assignments.map((a) => a.split('=')[0]).join(', ')}`,
      });
    });
    process.stdout.write('settings saved (a running gateway applies them to new connections)\n');
  });

/** One `key=value` of `settings set`; booleans are true/false, `null` clears, `@FILE` reads a PEM file. */
async function applyAssignment(target: ClientSettings, assignment: string): Promise<void> {
  const eq = assignment.indexOf('=');
  if (eq < 1) throw new UsageError(`"${assignment}" is not KEY=VALUE`);
  const key = assignment.slice(0, eq);
  const value = assignment.slice(eq + 1);
  switch (key) {
    case 'enabled':
    case 'local_tunnel':
    case 'device_vpn':
      if (value !== 'true' && value !== 'false')
        throw new UsageError(`${key} is true or false, not "${value}"`);
      target[key] = value === 'true';
      return;
    case 'auth_domain':
      target.auth_domain = value === 'null' ? null : value;
      return;
    case 'trusted_ca_cert':
      if (value === 'null') target.trusted_ca_cert = null;
      else if (value.startsWith('@')) target.trusted_ca_cert = await readFile(value.slice(1), 'utf8');
      else throw new UsageError('trusted_ca_cert takes @FILE (a PEM file) or null');
      return;
    default:
      throw new UsageError(
        `unknown setting "${key}"; settings are ${Object.keys(defaultClientSettings).join(', ')}`,
      );
  }
}

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
  const known =
    err instanceof UsageError ||
    err instanceof ConfigError ||
    err instanceof InstallerError ||
    err instanceof StoreConflictError;
  process.stderr.write(`kordon-gateway: ${err instanceof Error ? err.message : String(err)}\n`);
  if (!known && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  process.exit(known ? 2 : 1);
});
