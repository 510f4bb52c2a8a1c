// `kordon-gateway`: start the gateway, and manage its users, groups, rules, administrators, tokens,
// installers and settings. Every command acts on the same store as `start` (its `--config` and
// `--data-dir`) and works while the gateway runs: the change feed carries what it changes to the
// running gateway's sessions within a second (DECISIONS 67).
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { Command, Option } from 'commander';
import {
  StoreConflictError,
  defaultClientSettings,
  validateLocalUserName,
  type AccessRule,
  type ClientSettings,
  type Criterion,
  type Exemption,
  type PostureObject,
  type PostureProfile,
  type PostureSettings,
  type Role,
  type Store,
  type VpnRule,
} from '@kordon/core';
import { FirewallInputError, NftablesFirewall } from '@kordon/drivers';
import { formatVersion, parseStrictJson } from '@kordon/protocol';
import {
  accessRuleText,
  accessRuleView,
  profileKeysFromNames,
  profileNamesOf,
} from '../admin/access-rules.js';
import { AdminError } from '../admin/errors.js';
import type { DirectoryView } from '../admin/directory.js';
import { exemptionLists } from '../admin/exemptions.js';
import { createAdminServices, type AdminServices } from '../admin/index.js';
import { openApiDocument } from '../api/document.js';
import { PostureInputError, expressionFromText, expressionText } from '../admin/posture.js';
import { Argon2idHasher } from '../auth/password.js';
import { systemClock } from '../clock.js';
import { ConfigError, loadConfig } from '../config/load.js';
import { optionSpecs, type GatewayConfig } from '../config/options.js';
import { dataPaths, defaultDataDir, ensureDataDir, type DataPaths } from '../data-dir.js';
import { DriverUnavailableError } from '../drivers.js';
import { startGateway } from '../gateway.js';
import { createLogger } from '../logging.js';
import { InstallerError, registerInstaller } from '../installers.js';
import { openStore } from '../store/index.js';
import { UsageError } from './errors.js';
import { readSecretFromStdin } from './stdin.js';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const env = process.env;
/** How the CLI names itself in the event log. */
const cliActor = 'the CLI';

/** The options every command that opens the store takes, resolved like `start` resolves them. */
interface StoreOptions {
  config?: string;
  dataDir?: string;
}

function configOf(opts: StoreOptions): GatewayConfig {
  return loadConfig({
    flags: { 'data-dir': opts.dataDir },
    env,
    file: opts.config,
    defaults: { dataDir: defaultDataDir(env, isRoot), nodeName: hostname() },
  });
}

/** The same store as `start` with the same options: SQLite in the data directory, or PostgreSQL. */
async function withStore<T>(
  opts: StoreOptions,
  fn: (store: Store, paths: DataPaths) => Promise<T>,
  config: GatewayConfig = configOf(opts),
): Promise<T> {
  const paths = dataPaths(config.dataDir);
  ensureDataDir(paths);
  const store = await openStore({ file: paths.database, databaseUrl: config.databaseUrl });
  try {
    return await fn(store, paths);
  } finally {
    await store.close();
  }
}

/** The administrative use cases over the store; the running gateway applies their changes from the feed. */
function withAdmin<T>(opts: StoreOptions, fn: (admin: AdminServices) => Promise<T>): Promise<T> {
  return withStore(opts, (store) =>
    fn(createAdminServices({ store, clock: systemClock, hasher: new Argon2idHasher() })),
  );
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

const jsonOption = new Option('--json', 'print JSON');

/** `--config` and `--data-dir` on a command that opens the store. */
function storeCommand(command: Command): Command {
  return command
    .option('--config <file>', 'YAML configuration file (the one `start` uses)')
    .addOption(
      new Option(
        '--data-dir <dir>',
        'data directory (default: /var/lib/kordon as root, else ~/.local/share/kordon)',
      ),
    );
}

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
  const logger = createLogger(config);
  const gateway = await startGateway(config, logger, { env, isRoot });
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    // DECISIONS 52: a graceful stop ends within 20 s; DECISIONS 70: one that overruns closes the table first.
    const force = setTimeout(() => {
      logger.error('stop overran: leaving the closed firewall table and exiting');
      setTimeout(() => process.exit(1), 2000).unref();
      void gateway.closeFirewall().finally(() => process.exit(1));
    }, 18_000);
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
storeCommand(user.command('add <name>'))
  .description('add a local user; the password comes on stdin')
  .requiredOption('--password-stdin', 'read the password from standard input')
  .action(async (name: string, opts: StoreOptions) => {
    const valid = validateLocalUserName(name);
    if (!valid.ok) throw new UsageError(valid.message);
    const password = await readSecretFromStdin('password');
    const created = await withAdmin(opts, (admin) => admin.users.create(valid.name, password, cliActor));
    process.stdout.write(`added user ${created.name}\n`);
  });
storeCommand(user.command('list'))
  .description('list local users')
  .addOption(jsonOption)
  .action(async (opts: StoreOptions & { json?: boolean }) => {
    const users = await withAdmin(opts, (admin) => admin.users.list());
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
storeCommand(user.command('passwd <name>'))
  .description("change a local user's password (ends their sessions); the new password comes on stdin")
  .requiredOption('--password-stdin', 'read the password from standard input')
  .action(async (name: string, opts: StoreOptions) => {
    const password = await readSecretFromStdin('password');
    const account = await withAdmin(opts, async (admin) => {
      const found = await admin.users.get(name);
      await admin.users.setPassword(found.name, password, cliActor);
      return found.name;
    });
    process.stdout.write(`changed the password of ${account}\n`);
  });
for (const [verb, disabled] of [
  ['disable', true],
  ['enable', false],
] as const) {
  storeCommand(user.command(`${verb} <name>`))
    .description(disabled ? 'disable a local user (ends their sessions)' : 'enable a disabled local user')
    .action(async (name: string, opts: StoreOptions) => {
      const changed = await withAdmin(opts, (admin) => admin.users.setDisabled(name, disabled, cliActor));
      process.stdout.write(`${disabled ? 'disabled' : 'enabled'} user ${changed.name}\n`);
    });
}
storeCommand(user.command('remove <name>'))
  .description('remove a local user (ends their sessions and removes them from every group)')
  .action(async (name: string, opts: StoreOptions) => {
    const account = await withAdmin(opts, async (admin) => {
      const found = await admin.users.get(name);
      await admin.users.remove(found.name, cliActor);
      return found.name;
    });
    process.stdout.write(`removed user ${account}\n`);
  });

// admins ---------------------------------------------------------------------------------------
storeCommand(
  program.command('admin').description('administrators of the management API').command('add <name>'),
)
  .description('add an administrator; the password comes on stdin')
  .requiredOption('--password-stdin', 'read the password from standard input')
  .addOption(new Option('--role <role>', 'admin or viewer').choices(['admin', 'viewer']).default('admin'))
  .action(async (name: string, opts: StoreOptions & { role: Role }) => {
    const valid = validateLocalUserName(name);
    if (!valid.ok) throw new UsageError(valid.message);
    const password = await readSecretFromStdin('password');
    const admin = await withAdmin(opts, (services) =>
      services.administrators.create(valid.name, password, opts.role, cliActor),
    );
    process.stdout.write(`added administrator ${admin.name} (${admin.role})\n`);
  });

// tokens ---------------------------------------------------------------------------------------
storeCommand(program.command('token').description('API tokens for the management API').command('create'))
  .description('create an API token; it is printed once (DECISIONS 45)')
  .requiredOption('--name <name>', 'what the token is for')
  .addOption(new Option('--role <role>', 'admin or viewer').choices(['admin', 'viewer']).default('admin'))
  .addOption(jsonOption)
  .action(async (opts: StoreOptions & { name: string; role: Role; json?: boolean }) => {
    const { token, secret } = await withAdmin(opts, (admin) =>
      admin.tokens.create(opts.name, opts.role, cliActor),
    );
    print(opts.json === true, { id: token.id, name: token.name, role: token.role, token: secret }, secret);
  });

// installers -----------------------------------------------------------------------------------
storeCommand(
  program.command('installer').description('client installers offered for update').command('add <file>'),
)
  .description('register the installer of one OS (replaces the previous one of that OS)')
  .requiredOption('--os <os>', 'windows, macos or linux')
  .requiredOption('--version <x.y.z>', "the installer's version")
  .addOption(
    new Option('--policy <policy>', 'exact: update when different; minimum: update when older')
      .choices(['exact', 'minimum'])
      .default('exact'),
  )
  .option('--file-name <name>', 'name to serve it under (default: the file name)')
  .addOption(jsonOption)
  .action(
    async (
      file: string,
      opts: StoreOptions & {
        os: string;
        version: string;
        policy: string;
        fileName?: string;
        json?: boolean;
      },
    ) => {
      const installer = await withStore(opts, (store, paths) =>
        registerInstaller({
          store,
          dir: paths.installers,
          os: opts.os,
          version: opts.version,
          policy: opts.policy,
          ...(opts.fileName === undefined ? {} : { fileName: opts.fileName }),
          source: file,
          clock: systemClock,
          actor: cliActor,
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

// exemptions and the boot table (DECISIONS 70, 72) --------------------------------------------
const exemption = program
  .command('exemption')
  .description('hosts that forward without a session (--from) and destinations anyone may reach (--to)');
storeCommand(exemption.command('add'))
  .description('add an exemption; a running gateway applies it within a second')
  .option('--from <cidr>', 'a host or network that forwards without a session (servers, printers)')
  .option('--to <cidr>', 'a destination anyone on an enforced interface may reach (domain controllers)')
  .addOption(jsonOption)
  .action(async (opts: StoreOptions & { from?: string; to?: string; json?: boolean }) => {
    if ((opts.from === undefined) === (opts.to === undefined)) {
      throw new UsageError('give one of --from CIDR or --to CIDR');
    }
    const direction = opts.from === undefined ? 'to' : 'from';
    const network = opts.from ?? opts.to ?? '';
    const added = await withAdmin(opts, (admin) => admin.exemptions.add(direction, network, cliActor));
    print(
      opts.json === true,
      exemptionItem(added),
      `added exemption ${added.id}: --${added.direction} ${added.network}`,
    );
  });
storeCommand(exemption.command('list'))
  .addOption(jsonOption)
  .action(async (opts: StoreOptions & { json?: boolean }) => {
    const items = (await withAdmin(opts, (admin) => admin.exemptions.list())).map(exemptionItem);
    print(
      opts.json === true,
      { items },
      items.length === 0
        ? 'no exemptions: nothing forwards on an enforced interface without a session'
        : table([['DIRECTION', 'NETWORK', 'ID'], ...items.map((e) => [e.direction, e.network, e.id])]),
    );
  });
storeCommand(exemption.command('remove <id>')).action(async (id: string, opts: StoreOptions) => {
  await withAdmin(opts, (admin) => admin.exemptions.remove(id, cliActor));
  process.stdout.write(`removed exemption ${id}\n`);
});

function exemptionItem(e: Exemption): { id: string; direction: string; network: string; created_at: string } {
  return { id: e.id, direction: e.direction, network: e.network, created_at: e.createdAt.toISOString() };
}

// directory (DECISIONS 14) ---------------------------------------------------------------------
const directory = program
  .command('directory')
  .description('the Active Directory that users log in against (LDAPS, or LDAP with StartTLS)');
storeCommand(directory.command('set'))
  .description('connect the gateway to a directory; a running gateway uses it for the next login')
  .requiredOption('--url <url>', 'ldaps://dc1.corp.example, or ldap://dc1.corp.example (StartTLS)')
  .requiredOption('--domain <name>', 'the NetBIOS domain: CORP')
  .requiredOption('--realm <realm>', 'the Kerberos realm, the DNS domain in capitals: CORP.EXAMPLE')
  .requiredOption('--base-dn <dn>', 'where users and groups are searched: DC=corp,DC=example')
  .requiredOption('--bind-dn <dn>', 'the account the gateway searches with')
  .requiredOption('--bind-password-file <file>', 'a file holding its password (never on a command line)')
  .option('--ca-file <file>', "PEM of the CA of the directory's TLS certificate (default: the system's CAs)")
  .option(
    '--admin-group <group>',
    'members administer the gateway with their domain password: CORP\\kordon-admins',
  )
  .option('--viewer-group <group>', 'members may read the management API')
  .option(
    '--keytab <file>',
    'Kerberos single sign-on: the keytab with the key of HTTP/<auth_domain> (default: keep the one set)',
  )
  .option('--no-keytab', 'remove the keytab: no Kerberos single sign-on')
  .option('--ntlm', 'NTLM single sign-on through winbind (this host is joined to the domain)')
  .option('--no-ntlm', 'no NTLM single sign-on (default: keep as set)')
  .addOption(jsonOption)
  .action(
    async (
      opts: StoreOptions & {
        keytab?: string | false;
        ntlm?: boolean;
        url: string;
        domain: string;
        realm: string;
        baseDn: string;
        bindDn: string;
        bindPasswordFile: string;
        caFile?: string;
        adminGroup?: string;
        viewerGroup?: string;
        json?: boolean;
      },
    ) => {
      const bindPassword = await readSecretFile(opts.bindPasswordFile, '--bind-password-file');
      const caCert = opts.caFile === undefined ? null : await readFile(opts.caFile, 'utf8');
      const keytab =
        opts.keytab === undefined ? undefined : opts.keytab === false ? null : await readKeytab(opts.keytab);
      const view = await withAdmin(opts, (admin) =>
        admin.directory.set(
          {
            url: opts.url,
            domain: opts.domain,
            realm: opts.realm,
            baseDn: opts.baseDn,
            bindDn: opts.bindDn,
            bindPassword,
            caCert,
            adminGroup: opts.adminGroup ?? null,
            viewerGroup: opts.viewerGroup ?? null,
            ...(keytab !== undefined ? { keytab } : {}),
            ...(opts.ntlm !== undefined ? { ntlm: opts.ntlm } : {}),
          },
          cliActor,
        ),
      );
      print(
        opts.json === true,
        directoryItem(view),
        `directory set: ${view.url} (${view.domain}, ${view.realm})${view.keytabKeys === null ? '' : `\nKerberos: ${view.kerberosProblem ?? 'ready'}`}`,
      );
    },
  );
storeCommand(directory.command('show'))
  .addOption(jsonOption)
  .action(async (opts: StoreOptions & { json?: boolean }) => {
    const view = await withAdmin(opts, (admin) => admin.directory.get());
    print(
      opts.json === true,
      view === undefined ? null : directoryItem(view),
      view === undefined
        ? 'no directory: only local users log in'
        : Object.entries(directoryItem(view))
            .map(
              ([k, v]) =>
                `${k}: ${k === 'ca_cert' && v !== null ? '(PEM)' : Array.isArray(v) ? v.join(', ') : String(v)}`,
            )
            .join('\n'),
    );
  });
storeCommand(directory.command('clear'))
  .description('disconnect the directory: directory accounts can no longer log in, and their sessions end')
  .action(async (opts: StoreOptions) => {
    await withAdmin(opts, (admin) => admin.directory.clear(cliActor));
    process.stdout.write(
      "directory removed; a running gateway ends its accounts' sessions within a second\n",
    );
  });

/** A keytab file, base64 for the store; it holds keys, so only its owner should read it. */
async function readKeytab(file: string): Promise<string> {
  try {
    return (await readFile(file)).toString('base64');
  } catch (e) {
    throw new UsageError(`cannot read --keytab ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

/** A secret from a file the administrator names: the whole file but its last newline. */
async function readSecretFile(file: string, option: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${option} ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const secret = text.replace(/\r?\n$/, '');
  if (secret === '') throw new UsageError(`${option} ${file} is empty: write the password in it`);
  return secret;
}

function directoryItem(v: DirectoryView): Record<string, unknown> {
  return {
    url: v.url,
    domain: v.domain,
    realm: v.realm,
    base_dn: v.baseDn,
    bind_dn: v.bindDn,
    bind_password_set: v.bindPasswordSet,
    ca_cert: v.caCert,
    admin_group: v.adminGroup,
    viewer_group: v.viewerGroup,
    ntlm: v.ntlm,
    keytab_keys: v.keytabKeys,
    kerberos_problem: v.kerberosProblem,
    updated_at: v.updatedAt.toISOString(),
  };
}

storeCommand(
  program.command('firewall').description('the nftables table outside a running gateway').command('boot'),
)
  .description(
    'install the boot table: forwarding on the client interfaces is dropped, but for exemptions, until the gateway starts',
  )
  .option(
    '--client-interfaces <if,if>',
    'the client-facing interfaces (default: from --config and the environment)',
  )
  .action(async (opts: StoreOptions & { clientInterfaces?: string }) => {
    const config = loadConfig({
      flags: { 'data-dir': opts.dataDir, 'client-interfaces': opts.clientInterfaces },
      env,
      file: opts.config,
      defaults: { dataDir: defaultDataDir(env, isRoot), nodeName: hostname() },
    });
    if (config.clientInterfaces.length === 0) {
      throw new UsageError(
        'no client interfaces named: give --client-interfaces or set client-interfaces in --config',
      );
    }
    const exemptions = exemptionLists(await withStore(opts, (store) => store.exemptions.list(), config));
    // The tunnel interface is enforced too; a name match, so it need not exist yet.
    const enforced = [...config.clientInterfaces, config.wgInterface];
    await new NftablesFirewall({}).installBoot({ enforcedInterfaces: enforced, ...exemptions });
    process.stdout.write(
      `installed the boot table: forwarding on ${enforced.join(', ')} is closed but for ${exemptions.exemptFrom.length + exemptions.exemptTo.length} exemptions\n`,
    );
  });

// events (DECISIONS 23) ------------------------------------------------------------------------
program
  .command('openapi')
  .description("print the management API's OpenAPI document (JSON)")
  .action(async () => {
    process.stdout.write(`${JSON.stringify(await openApiDocument(), null, 2)}\n`);
  });

storeCommand(program.command('events'))
  .description('the event log, newest first: logins, failures, ended sessions, changes')
  .option('--limit <n>', 'how many (at most 100000)', '100')
  .option('--json-lines', 'one JSON object per line (for export)')
  .action(async (opts: StoreOptions & { limit: string; jsonLines?: boolean }) => {
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

// groups and VPN-access rules (DECISIONS 17, 41) ----------------------------------------------
const group = program.command('group').description('local groups, named by VPN-access rules');
storeCommand(group.command('add <name>')).action(async (name: string, opts: StoreOptions) => {
  const created = await withAdmin(opts, (admin) => admin.groups.create(name, cliActor));
  process.stdout.write(`added group ${created.name}\n`);
});
storeCommand(group.command('list'))
  .addOption(jsonOption)
  .action(async (opts: StoreOptions & { json?: boolean }) => {
    const items = (await withAdmin(opts, (admin) => admin.groups.list())).map(({ group: g, members }) => ({
      name: g.name,
      members,
      created_at: g.createdAt.toISOString(),
    }));
    print(
      opts.json === true,
      { items },
      items.length === 0
        ? 'no groups'
        : table([['GROUP', 'MEMBERS'], ...items.map((g) => [g.name, g.members.join(',')])]),
    );
  });
storeCommand(group.command('remove <name>')).action(async (name: string, opts: StoreOptions) => {
  await withAdmin(opts, (admin) => admin.groups.remove(name, cliActor));
  process.stdout.write(`removed group ${name.toLowerCase()}\n`);
});
for (const [verb, add] of [
  ['add-member', true],
  ['remove-member', false],
] as const) {
  storeCommand(group.command(`${verb} <group> <user>`)).action(
    async (groupName: string, userName: string, opts: StoreOptions) => {
      await withAdmin(opts, (admin) =>
        add
          ? admin.groups.addMember(groupName, userName, cliActor)
          : admin.groups.removeMember(groupName, userName, cliActor),
      );
      process.stdout.write(
        `${add ? 'added' : 'removed'} ${userName} ${add ? 'to' : 'from'} ${groupName.toLowerCase()}\n`,
      );
    },
  );
}

const vpnRule = program
  .command('vpn-rule')
  .description('who may connect from outside (first match wins; no match denies)');
storeCommand(vpnRule.command('add'))
  .option('--users <names>', 'user names, comma-separated ("*": every user)')
  .option('--groups <names>', 'local group names, comma-separated')
  .option('--allow', 'allow VPN access (default)')
  .option('--deny', 'deny VPN access')
  .option('--position <n>', 'evaluation order (default: after the last rule)')
  .addOption(jsonOption)
  .action(
    async (
      opts: StoreOptions & {
        users?: string;
        groups?: string;
        allow?: boolean;
        deny?: boolean;
        position?: string;
        json?: boolean;
      },
    ) => {
      if (opts.allow === true && opts.deny === true) throw new UsageError('give --allow or --deny, not both');
      if (opts.position !== undefined && !/^\d{1,9}$/.test(opts.position)) {
        throw new UsageError('--position is a whole number');
      }
      const split = (v: string | undefined): string[] =>
        (v ?? '')
          .split(',')
          .map((x) => x.trim())
          .filter((x) => x !== '');
      const users = split(opts.users);
      const groups = split(opts.groups);
      if (users.length === 0 && groups.length === 0) {
        throw new UsageError(
          'a rule names users (--users alice,bob or --users "*") or groups (--groups staff)',
        );
      }
      const rule = await withAdmin(opts, (admin) =>
        admin.vpnRules.create(
          {
            action: opts.deny === true ? 'deny' : 'allow',
            users,
            groups,
            ...(opts.position === undefined ? {} : { position: Number(opts.position) }),
          },
          cliActor,
        ),
      );
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
storeCommand(vpnRule.command('list'))
  .addOption(jsonOption)
  .action(async (opts: StoreOptions & { json?: boolean }) => {
    const rules = await withAdmin(opts, (admin) => admin.vpnRules.list());
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
storeCommand(vpnRule.command('remove <id>')).action(async (id: string, opts: StoreOptions) => {
  await withAdmin(opts, (admin) => admin.vpnRules.remove(id, cliActor));
  process.stdout.write(`removed rule ${id}\n`);
});

/** A VPN-access rule as `vpn-rule move|set --json` prints it. */
function vpnRuleJson(rule: VpnRule): Record<string, unknown> {
  return {
    id: rule.id,
    position: rule.position,
    action: rule.action,
    users: rule.users,
    groups: rule.groups,
  };
}

/** `deny users eve, *; groups remote` */
function vpnRuleText(rule: VpnRule): string {
  const whom = [
    ...(rule.users.length === 0 ? [] : [`users ${rule.users.join(', ')}`]),
    ...(rule.groups.length === 0 ? [] : [`groups ${rule.groups.join(', ')}`]),
  ];
  return `${rule.action} ${whom.join('; ')}`;
}

/** Names given as one comma-separated option; `--users ""` is no names at all. */
function commaList(text: string): string[] {
  return text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

storeCommand(vpnRule.command('move <id> <position>'))
  .description('give a VPN-access rule another position (rules at one position: the older first)')
  .addOption(jsonOption)
  .action(async (id: string, positionText: string, opts: StoreOptions & { json?: boolean }) => {
    const position = checkedPosition(positionText, 'the position');
    const rule = await withAdmin(opts, (admin) => admin.vpnRules.patch(id, { position }, cliActor));
    print(
      opts.json === true,
      vpnRuleJson(rule),
      `rule ${rule.id} is at position ${rule.position}: ${vpnRuleText(rule)}`,
    );
  });
storeCommand(vpnRule.command('set <id>'))
  .description('change a VPN-access rule: what is given replaces what it had, the rest stays')
  .option('--action <action>', 'allow or deny')
  .option('--users <names>', 'user names, comma-separated ("*": every user; "": none)')
  .option('--groups <names>', 'group names, comma-separated ("": none)')
  .addOption(jsonOption)
  .action(
    async (
      id: string,
      opts: StoreOptions & { action?: string; users?: string; groups?: string; json?: boolean },
    ) => {
      const { action, users, groups } = opts;
      if (action === undefined && users === undefined && groups === undefined) {
        throw new UsageError('give what changes: --action, --users or --groups');
      }
      if (action !== undefined && action !== 'allow' && action !== 'deny') {
        throw new UsageError(`--action: the action is "allow" or "deny", not ${JSON.stringify(action)}`);
      }
      const rule = await withAdmin(opts, (admin) =>
        optionInput(['users', 'groups'], () =>
          admin.vpnRules.patch(
            id,
            {
              ...(action === undefined ? {} : { action }),
              ...(users === undefined ? {} : { users: commaList(users) }),
              ...(groups === undefined ? {} : { groups: commaList(groups) }),
            },
            cliActor,
          ),
        ),
      );
      print(
        opts.json === true,
        vpnRuleJson(rule),
        `rule ${rule.id} at position ${rule.position}: ${vpnRuleText(rule)}`,
      );
    },
  );

// access rules by posture profile (docs/posture.md "Access rules") -------------------------------
const accessRule = program
  .command('access-rule')
  .description(
    'which destinations the sessions of which posture profiles reach (first match wins; with rules, what none allows is dropped)',
  );

/** Repeated options add up. */
const collect = (value: string, list: string[] | undefined): string[] => [...(list ?? []), value];

/**
 * The items of comma-separated lists (repeated options add up), each trimmed; an item in double quotes
 * may hold commas and quotes (JSON's escapes): `Compliant, "Office, Berlin"`. Empty items are skipped.
 */
function listItems(texts: readonly string[], option: string): string[] {
  const items: string[] = [];
  for (const text of texts) {
    let rest = text;
    for (;;) {
      const match = /^\s*(?:("(?:[^"\\]|\\.)*")|([^,"]*?))\s*(,|$)/.exec(rest);
      if (match === null) {
        throw new UsageError(
          `${option} ${JSON.stringify(text)}: a quote is not closed, or something follows a quoted name; ` +
            'separate names with commas and quote one that holds a comma: \'Compliant, "Office, Berlin"\'',
        );
      }
      const [all, quoted, plain = '', comma] = match;
      let item = plain;
      if (quoted !== undefined) {
        try {
          item = JSON.parse(quoted) as string;
        } catch {
          throw new UsageError(`${option} ${JSON.stringify(text)}: ${quoted} is not a quoted name`);
        }
      }
      if (item !== '') items.push(item);
      if (comma !== ',') break;
      rest = rest.slice(all.length);
    }
  }
  return items;
}

/** A name as `access-rule list` shows it: quoted when `--profiles` would not read it back as it is. */
const listedName = (name: string): string =>
  /[,"]/.test(name) || name.trim() !== name || name === '' ? JSON.stringify(name) : name;

/** A refused rule in the command line's terms: the option the field came from, in the API's words. */
async function optionInput<T>(options: readonly string[], work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof AdminError) || error.field === null || error.code === 'not_found') throw error;
    const field = error.field;
    const option = options.find((name) => field === `/${name}` || field.startsWith(`/${name}/`));
    if (option === undefined) throw error;
    throw new UsageError(`--${option}: ${error.message}`);
  }
}

function accessRuleInput<T>(work: () => Promise<T>): Promise<T> {
  return optionInput(['profiles', 'to', 'action', 'position'], work);
}

const accessRuleJson = (rule: AccessRule, profiles: readonly PostureProfile[]): Record<string, unknown> =>
  accessRuleView(rule, profiles);

/** A change to one rule, then the rule as it stands with the profiles' names. */
function changeAccessRule(
  opts: StoreOptions,
  change: (admin: AdminServices, profiles: readonly PostureProfile[]) => Promise<AccessRule>,
): Promise<{ rule: AccessRule; profiles: PostureProfile[] }> {
  return withAdmin(opts, async (admin) => {
    const rule = await accessRuleInput(async () => change(admin, await admin.posture.listProfiles()));
    return { rule, profiles: await admin.posture.listProfiles() };
  });
}

function checkedPosition(text: string, what: string): number {
  if (!/^\d{1,9}$/.test(text)) throw new UsageError(`${what} is a whole number from 0 to 999999999`);
  return Number(text);
}

const profilesHelp =
  'posture profiles by name (without regard to case) or "device without profile", comma-separated or repeated; quote a name that holds a comma';
const toHelp =
  'destination networks, comma-separated or repeated: 10.0.0.0/8,2001:db8::/32 (an address alone: /32, /128)';

storeCommand(accessRule.command('add'))
  .description('add an access rule; a running gateway applies it within a second')
  .requiredOption('--profiles <names>', profilesHelp, collect)
  .requiredOption('--to <cidrs>', toHelp, collect)
  .option('--action <action>', 'allow or deny (default: allow)')
  .option('--position <n>', 'evaluation order (default: 10 after the last rule)')
  .addOption(jsonOption)
  .action(
    async (
      opts: StoreOptions & {
        profiles: string[];
        to: string[];
        action?: string;
        position?: string;
        json?: boolean;
      },
    ) => {
      const names = listItems(opts.profiles, '--profiles');
      const to = listItems(opts.to, '--to');
      const position = opts.position === undefined ? undefined : checkedPosition(opts.position, '--position');
      const { rule, profiles } = await changeAccessRule(opts, (admin, known) =>
        admin.accessRules.create(
          {
            profiles: profileKeysFromNames(names, known),
            to,
            ...(opts.action === undefined ? {} : { action: opts.action }),
            ...(position === undefined ? {} : { position }),
          },
          cliActor,
        ),
      );
      print(
        opts.json === true,
        accessRuleJson(rule, profiles),
        `added access rule ${rule.id} at position ${rule.position}: ${accessRuleText(rule, profiles)}`,
      );
    },
  );
storeCommand(accessRule.command('list'))
  .description('the access rules in evaluation order')
  .addOption(jsonOption)
  .action(async (opts: StoreOptions & { json?: boolean }) => {
    const { rules, profiles } = await withAdmin(opts, async (admin) => ({
      rules: await admin.accessRules.list(),
      profiles: await admin.posture.listProfiles(),
    }));
    print(
      opts.json === true,
      { items: rules.map((r) => accessRuleJson(r, profiles)) },
      rules.length === 0
        ? 'no access rules: every authorized session reaches every destination'
        : table([
            ['POSITION', 'ACTION', 'PROFILES', 'TO', 'ID'],
            ...rules.map((r) => [
              String(r.position),
              r.action,
              profileNamesOf(r.profiles, profiles).map(listedName).join(', '),
              r.to.join(', '),
              r.id,
            ]),
          ]),
    );
  });
storeCommand(accessRule.command('move <id> <position>'))
  .description('give an access rule another position (rules at one position: the older first)')
  .addOption(jsonOption)
  .action(async (id: string, positionText: string, opts: StoreOptions & { json?: boolean }) => {
    const position = checkedPosition(positionText, 'the position');
    const { rule, profiles } = await changeAccessRule(opts, (admin) =>
      admin.accessRules.patch(id, { position }, cliActor),
    );
    print(
      opts.json === true,
      accessRuleJson(rule, profiles),
      `access rule ${rule.id} is at position ${rule.position}: ${accessRuleText(rule, profiles)}`,
    );
  });
storeCommand(accessRule.command('set <id>'))
  .description('change an access rule: what is given replaces what it had, the rest stays')
  .option('--profiles <names>', profilesHelp, collect)
  .option('--to <cidrs>', toHelp, collect)
  .option('--action <action>', 'allow or deny')
  .addOption(jsonOption)
  .action(
    async (
      id: string,
      opts: StoreOptions & { profiles?: string[]; to?: string[]; action?: string; json?: boolean },
    ) => {
      if (opts.profiles === undefined && opts.to === undefined && opts.action === undefined) {
        throw new UsageError('give what changes: --profiles, --to or --action');
      }
      const names = opts.profiles && listItems(opts.profiles, '--profiles');
      const to = opts.to && listItems(opts.to, '--to');
      const { rule, profiles } = await changeAccessRule(opts, (admin, known) =>
        admin.accessRules.patch(
          id,
          {
            ...(names === undefined ? {} : { profiles: profileKeysFromNames(names, known) }),
            ...(to === undefined ? {} : { to }),
            ...(opts.action === undefined ? {} : { action: opts.action }),
          },
          cliActor,
        ),
      );
      print(
        opts.json === true,
        accessRuleJson(rule, profiles),
        `access rule ${rule.id} at position ${rule.position}: ${accessRuleText(rule, profiles)}`,
      );
    },
  );
storeCommand(accessRule.command('remove <id>'))
  .description('remove an access rule')
  .action(async (id: string, opts: StoreOptions) => {
    await withAdmin(opts, (admin) => admin.accessRules.remove(id, cliActor));
    process.stdout.write(`removed access rule ${id}\n`);
  });

// device posture (docs/posture.md) -------------------------------------------------------------
const posture = program
  .command('posture')
  .description('device posture: objects (sets of criteria), profiles (and/or over objects), settings');
const postureObject = posture
  .command('object')
  .description('posture objects: named sets of criteria, true when all of them hold');

/** The words after a check on the command line: nothing, a number of days, a list, a text, keys. */
const criterionShapes: Record<Criterion['check'], 'flag' | 'days' | 'list' | 'text' | 'keys'> = {
  os_type: 'list',
  os_version: 'text',
  domain: 'text',
  kb_list: 'list',
  av_active: 'flag',
  av_name: 'text',
  av_version: 'text',
  av_update: 'days',
  av_scan: 'days',
  fw_active: 'flag',
  fw_name: 'text',
  fw_version: 'text',
  processes: 'list',
  services: 'list',
  registry: 'keys',
};

/**
 * `--criterion 'CHECK [OPERATOR] VALUE'` as the API's criterion: `fw_active`, `av_update 7`,
 * `os_version >= 10.0.19045`, `av_name contains ESET Endpoint`, `processes contains osqueryd,clamd`,
 * `registry contains HKLM\...\A,HKLM\...\B` (keys only: value conditions need --criteria-file).
 * The core's parser checks the result, so mistakes are told in the API's words.
 */
function criterionFromText(text: string): Record<string, unknown> {
  const match = /^\s*(\S+)(?:\s+(\S+))?(?:\s+(.*?))?\s*$/.exec(text);
  const check = match?.[1] ?? '';
  const shape = Object.hasOwn(criterionShapes, check)
    ? criterionShapes[check as Criterion['check']]
    : undefined;
  const second = match?.[2];
  const rest = match?.[3];
  if (shape === undefined) return { check };
  if (second === 'dont_check') return { check, operator: second };
  if (shape === 'flag') {
    if (second !== undefined) throw new UsageError(`--criterion "${text}": ${check} takes nothing after it`);
    return { check };
  }
  if (shape === 'days') {
    if (second === undefined || rest !== undefined || !/^\d{1,9}$/.test(second)) {
      throw new UsageError(`--criterion "${text}": write ${check} DAYS, the most days allowed: "${check} 7"`);
    }
    return { check, max_days: Number(second) };
  }
  const items = (rest ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  const operand =
    shape === 'text'
      ? { value: rest ?? '' }
      : shape === 'list'
        ? { values: items }
        : { keys: items.map((key) => ({ key })) };
  return { check, ...(second === undefined ? {} : { operator: second }), ...operand };
}

function criterionText(c: Criterion): string {
  switch (c.check) {
    case 'av_active':
    case 'fw_active':
      return c.check;
    case 'av_update':
    case 'av_scan':
      return `${c.check} ${c.max_days}`;
    case 'os_type':
    case 'kb_list':
    case 'processes':
    case 'services':
      return `${c.check} ${c.operator} ${c.values.join(',')}`;
    case 'registry':
      return `${c.check} ${c.operator} ${c.keys
        .map((k) =>
          k.value === undefined ? k.key : `${k.key} (${k.value.operator} ${JSON.stringify(k.value.text)})`,
        )
        .join(',')}`;
    default:
      return `${c.check} ${c.operator} ${c.value}`;
  }
}

/** The criteria of `posture object add`: repeated --criterion, or --criteria-file with the API's JSON list. */
async function criteriaOf(opts: { criterion: string[]; criteriaFile?: string }): Promise<unknown> {
  if (opts.criterion.length > 0 && opts.criteriaFile !== undefined) {
    throw new UsageError('give --criterion or --criteria-file, not both');
  }
  if (opts.criteriaFile === undefined) {
    if (opts.criterion.length === 0) {
      throw new UsageError(
        'an object has criteria: give --criterion "CHECK [OPERATOR] VALUE" (repeated) or --criteria-file FILE',
      );
    }
    return opts.criterion.map(criterionFromText);
  }
  let text: string;
  try {
    text = await readFile(opts.criteriaFile, 'utf8');
  } catch (e) {
    throw new UsageError(
      `cannot read --criteria-file ${opts.criteriaFile}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
  const parsed = parseStrictJson(text);
  if (!parsed.ok) throw new UsageError(`--criteria-file ${opts.criteriaFile}: ${parsed.error.message}`);
  return parsed.value;
}

/** A refused body in the command line's terms: the --criterion it came from, else the field. */
async function postureInput<T>(work: () => Promise<T>, criteria: readonly string[] = []): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof PostureInputError) || error.field === null) throw error;
    const index = /^\/criteria\/(\d+)/.exec(error.field)?.[1];
    const from = index === undefined ? undefined : criteria[Number(index)];
    if (from !== undefined) throw new UsageError(`--criterion "${from}": ${error.message}`);
    if (error.field.startsWith('/criteria')) {
      throw new UsageError(`--criteria-file${error.field.slice('/criteria'.length) || ''}: ${error.message}`);
    }
    throw new UsageError(`${error.field === '/name' ? 'the name' : error.field}: ${error.message}`);
  }
}

function objectLines(o: PostureObject): string {
  return [`name: ${o.name}`, `id: ${o.id}`, ...o.criteria.map((c) => `criterion: ${criterionText(c)}`)].join(
    '\n',
  );
}

storeCommand(postureObject.command('add <name>'))
  .description('add a posture object')
  .option(
    '--criterion <text>',
    'CHECK [OPERATOR] VALUE, repeated: "fw_active", "av_update 7", "os_version >= 10.0", "processes contains osqueryd,clamd"',
    (value: string, list: string[]) => [...list, value],
    [] as string[],
  )
  .option('--criteria-file <file>', 'the criteria as a JSON list, as the API\'s "criteria"')
  .addOption(jsonOption)
  .action(
    async (
      name: string,
      opts: StoreOptions & { criterion: string[]; criteriaFile?: string; json?: boolean },
    ) => {
      const criteria = await criteriaOf(opts);
      const created = await withAdmin(opts, (admin) =>
        postureInput(() => admin.posture.createObject({ name, criteria }, cliActor), opts.criterion),
      );
      print(
        opts.json === true,
        created,
        `added posture object ${created.name} (${created.id}): ${created.criteria.map(criterionText).join('; ')}`,
      );
    },
  );
storeCommand(postureObject.command('list'))
  .addOption(jsonOption)
  .action(async (opts: StoreOptions & { json?: boolean }) => {
    const items = await withAdmin(opts, (admin) => admin.posture.listObjects());
    print(
      opts.json === true,
      { items },
      items.length === 0
        ? 'no posture objects'
        : table([
            ['NAME', 'CRITERIA', 'ID'],
            ...items.map((o) => [o.name, o.criteria.map(criterionText).join('; '), o.id]),
          ]),
    );
  });
storeCommand(postureObject.command('show <name-or-id>'))
  .addOption(jsonOption)
  .action(async (ref: string, opts: StoreOptions & { json?: boolean }) => {
    const found = await withAdmin(opts, (admin) => admin.posture.findObject(ref));
    print(opts.json === true, found, objectLines(found));
  });
storeCommand(postureObject.command('remove <name-or-id>'))
  .description('remove a posture object (refused while a profile uses it)')
  .action(async (ref: string, opts: StoreOptions) => {
    const removed = await withAdmin(opts, async (admin) => {
      const found = await admin.posture.findObject(ref);
      await admin.posture.removeObject(found.id, cliActor);
      return found;
    });
    process.stdout.write(`removed posture object ${removed.name}\n`);
  });

const postureProfile = posture
  .command('profile')
  .description('posture profiles: posture objects combined with and/or');

function profileLine(p: PostureProfile, objects: readonly PostureObject[]): string[] {
  return [p.name, expressionText(p.expression, objects), p.id];
}

storeCommand(postureProfile.command('add <name>'))
  .description('add a posture profile')
  .requiredOption(
    '--expression <text>',
    'objects by name with and/or and parentheses: \'Antivirus and (Firewall or "OS updates")\'',
  )
  .addOption(jsonOption)
  .action(async (name: string, opts: StoreOptions & { expression: string; json?: boolean }) => {
    const { created, objects } = await withAdmin(opts, async (admin) => {
      const all = await admin.posture.listObjects();
      const expression = expressionFromText(opts.expression, all);
      return {
        created: await postureInput(() => admin.posture.createProfile({ name, expression }, cliActor)),
        objects: all,
      };
    });
    print(
      opts.json === true,
      created,
      `added posture profile ${created.name} (${created.id}): ${expressionText(created.expression, objects)}`,
    );
  });
storeCommand(postureProfile.command('list'))
  .addOption(jsonOption)
  .action(async (opts: StoreOptions & { json?: boolean }) => {
    const { items, objects } = await withAdmin(opts, async (admin) => ({
      items: await admin.posture.listProfiles(),
      objects: await admin.posture.listObjects(),
    }));
    print(
      opts.json === true,
      { items },
      items.length === 0
        ? 'no posture profiles: every device is "device without profile"'
        : table([['NAME', 'EXPRESSION', 'ID'], ...items.map((p) => profileLine(p, objects))]),
    );
  });
storeCommand(postureProfile.command('remove <name-or-id>')).action(
  async (ref: string, opts: StoreOptions) => {
    const removed = await withAdmin(opts, async (admin) => {
      const found = await admin.posture.findProfile(ref);
      await admin.posture.removeProfile(found.id, cliActor);
      return found;
    });
    process.stdout.write(`removed posture profile ${removed.name}\n`);
  },
);

const postureSettings = posture.command('settings').description('how the gateway runs the posture exchange');
storeCommand(postureSettings.command('show'))
  .addOption(jsonOption)
  .action(async (opts: StoreOptions & { json?: boolean }) => {
    const current = await withAdmin(opts, (admin) => admin.posture.getSettings());
    print(
      opts.json === true,
      current,
      Object.entries(current)
        .map(([k, v]) => `${k}: ${String(v)}`)
        .join('\n'),
    );
  });
storeCommand(postureSettings.command('set <assignments...>'))
  .description('set KEY=VALUE: period (minutes, 0: once), recheck_minutes, silent_periods')
  .addOption(jsonOption)
  .action(async (assignments: string[], opts: StoreOptions & { json?: boolean }) => {
    const changes: Partial<PostureSettings> = {};
    const keys: (keyof PostureSettings)[] = ['period', 'recheck_minutes', 'silent_periods'];
    for (const assignment of assignments) {
      const [key = '', value, ...more] = assignment.split('=');
      const known = keys.find((k) => k === key);
      if (known === undefined) {
        throw new UsageError(`unknown posture setting "${key}"; the settings are ${keys.join(', ')}`);
      }
      if (value === undefined || more.length > 0 || !/^\d{1,9}$/.test(value)) {
        throw new UsageError(`${key} is a whole number: ${key}=N`);
      }
      changes[known] = Number(value);
    }
    const after = await withAdmin(opts, (admin) => admin.posture.changeSettings(changes, cliActor));
    print(
      opts.json === true,
      after,
      `posture settings: ${Object.entries(after)
        .map(([k, v]) => `${k} ${String(v)}`)
        .join(', ')}`,
    );
  });

// settings -------------------------------------------------------------------------------------
const settings = program
  .command('settings')
  .description('client-authorization settings (the vendor API object)');
storeCommand(settings.command('get'))
  .addOption(jsonOption)
  .action(async (opts: StoreOptions & { json?: boolean }) => {
    const s = await withAdmin(opts, (admin) => admin.settings.get());
    print(
      opts.json === true,
      s,
      Object.entries(s)
        .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
        .join('\n'),
    );
  });
storeCommand(settings.command('set <assignments...>'))
  .description(
    'set KEY=VALUE: enabled, auth_domain, local_tunnel, device_vpn (true|false|null as JSON), trusted_ca_cert=@FILE',
  )
  .action(async (assignments: string[], opts: StoreOptions) => {
    const updates: Partial<ClientSettings> = {};
    for (const a of assignments) await applyAssignment(updates, a);
    await withAdmin(opts, (admin) =>
      admin.settings.change((current) => ({ ...current, ...updates }), cliActor),
    );
    process.stdout.write('settings saved; a running gateway applies them within a second\n');
  });

async function applyAssignment(target: Partial<ClientSettings>, assignment: string): Promise<void> {
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
    err instanceof AdminError ||
    err instanceof FirewallInputError ||
    err instanceof DriverUnavailableError ||
    err instanceof StoreConflictError;
  process.stderr.write(`kordon-gateway: ${err instanceof Error ? err.message : String(err)}\n`);
  if (!known && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  process.exit(known ? 2 : 1);
});
