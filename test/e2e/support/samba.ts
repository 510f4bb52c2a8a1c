// A real Samba Active Directory domain controller for tests (ARCHITECTURE: a real AD, tested for real):
// provisioned into a temporary folder, run inside a network namespace of its own that a veth pair links
// to the root namespace, and removed with everything it made. LDAP(S) now; Kerberos and NTLM later.
//
// Nothing is written under /etc/samba, /var/lib/samba, /run/samba or /var/log/samba: the provisioned
// smb.conf points every path into the folder (docs/machine-notes.md, "Samba AD DC in tests"), and samba
// runs in a mount namespace of its own where /run/samba and /var/log/samba are the folder's run/ and
// log/ (what libwbclient and the logging fallback reach by their compiled-in paths lands there too).
// Passwords never go on a command line: samba-tool reads them from stdin, LDAP tools from 0600 files.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { Netns, certificateArgs, runCommand, type RunOptions, type RunResult } from '@kordon/drivers';

const installCommand =
  'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y samba samba-ad-provision samba-dsdb-modules winbind smbclient krb5-user ldap-utils';

/** Why a Samba DC cannot run here, or undefined when it can. Throws under CI=true instead (nothing skips). */
export async function sambaMissing(): Promise<string | undefined> {
  let reason: string | undefined;
  if (process.getuid?.() !== 0) reason = 'a Samba DC in a network namespace needs root';
  else {
    for (const tool of [
      'samba-tool',
      'samba',
      'wbinfo',
      'smbclient',
      'ldapsearch',
      'ldapmodify',
      'unshare',
      'nsenter',
      'setsid',
    ]) {
      // `--help` exits 0 for all of these; a missing binary rejects with ENOENT.
      const found = await runCommand(tool, ['--help']).then(
        () => true,
        (e: unknown) => !(e instanceof Error && e.message.includes('ENOENT')),
      );
      if (!found) {
        reason = `${tool} is not installed: ${installCommand} (or run \`node scripts/setup.mjs --test\` as root)`;
        break;
      }
    }
  }
  if (reason !== undefined && process.env['CI'] === 'true') throw new Error(reason);
  return reason;
}

export interface SambaDcOptions {
  /** Unique per suite (lowercase letters, digits, "-"): names the namespace, the link and the folder. */
  id: string;
  /** A /30 inside 198.18.0.0/15 for the link, e.g. "198.18.250.8/30" (.9 root side, .10 the DC). Default: derived from `id` inside 198.18.250.0/24. */
  subnet?: string;
  /** Default CORP.TEST; the NetBIOS domain defaults to its first label. */
  realm?: string;
  domain?: string;
  /** The DC's short host name; default dc1. */
  host?: string;
  /** Samba's process model: "single" (default) starts in about half the time of "prefork", and serves one request at a time. */
  processModel?: 'single' | 'prefork';
  /** Minutes the previous password keeps working after a reset (Samba's "old password allowed period"). Samba's default is 60, under which a simple bind with the old password still succeeds; here 0, so a reset takes effect at once. */
  oldPasswordAllowedMinutes?: number;
}

export interface SambaUserOptions {
  disabled?: boolean;
  /** userPrincipalName; Samba's default is NAME@dnsdomain. */
  upn?: string;
}

export interface LdapEntry {
  dn: string;
  /** Attribute names as the server spells them; base64 values (`attr::`) decoded as UTF-8. */
  attributes: Record<string, string[]>;
}

export interface LdapSearch {
  filter: string;
  /** Default: the domain's base DN. */
  base?: string;
  scope?: 'base' | 'one' | 'sub';
  attributes?: readonly string[];
  /** Default: the service account. */
  bindDn?: string;
  password?: string;
}

export interface SambaDc {
  readonly ns: Netns;
  /** The DC's address (inside its namespace) and the root namespace's end of the link. */
  readonly address: string;
  readonly peerAddress: string;
  /** "CORP.TEST", "CORP", "corp.test", "DC=corp,DC=test", "dc1.corp.test". */
  readonly realm: string;
  readonly domain: string;
  readonly dnsDomain: string;
  readonly baseDn: string;
  readonly hostName: string;
  /** ldaps://dc1.corp.test: connect to `address` with `servername: hostName`; the certificate names only the FQDN and the domain, no IP. */
  readonly ldapsUrl: string;
  /** The test CA that signed the DC's LDAPS certificate (PEM) and its file. */
  readonly caPem: string;
  readonly caFile: string;
  readonly adminBindDn: string;
  readonly adminPassword: string;
  /** An ordinary account for the gateway's searches (kordon-svc). */
  readonly serviceAccount: string;
  readonly serviceBindDn: string;
  readonly servicePassword: string;
  /** A krb5.conf for this realm (KDC by address, no DNS canonicalization, no rdns), for KRB5_CONFIG. */
  readonly krb5Conf: string;
  /** The folder holding the provision, the TLS files and the secrets files. */
  readonly dir: string;
  /** provisionMs: samba-tool domain provision alone; setupMs: namespace, provision, certificates and the service account; startMs: the last start() until LDAPS, Kerberos, SMB and its winbindd answer. */
  readonly timings: { provisionMs: number; setupMs: number; startMs: number };
  userDn(name: string): string;
  addUser(name: string, password: string, options?: SambaUserOptions): Promise<void>;
  setPassword(name: string, password: string): Promise<void>;
  disableUser(name: string): Promise<void>;
  enableUser(name: string): Promise<void>;
  addGroup(name: string): Promise<void>;
  addMembers(group: string, members: readonly string[]): Promise<void>;
  removeMembers(group: string, members: readonly string[]): Promise<void>;
  /** Any samba-tool subcommand against the local database (no secrets in `args`). */
  sambaTool(args: readonly string[], options?: RunOptions): Promise<RunResult>;
  /** Applies an LDIF as Administrator over LDAPS (needs the DC running). */
  ldapModify(ldif: string): Promise<void>;
  /** ldapsearch over LDAPS, CA and host name verified, from inside the DC's namespace. */
  ldapSearch(search: LdapSearch): Promise<LdapEntry[]>;
  /** A simple bind over LDAPS (DN, UPN or DOMAIN\\name) followed by a read of the base entry; rejects on failure. */
  bind(bindDn: string, password: string): Promise<void>;
  /** Runs a program inside the DC's namespace. */
  run(command: string, args: readonly string[], options?: RunOptions): Promise<RunResult>;
  /** What samba printed (the last 256 KiB). */
  log(): string;
  readonly running: boolean;
  /** Stops samba and every helper it started; the namespace and the link stay ("directory down"). */
  stop(): Promise<void>;
  /** Starts samba again and waits until it serves; sets timings.startMs. */
  start(): Promise<void>;
  /** Stops samba and removes the namespace, the link, /etc/netns/NAME and the folder. */
  remove(): Promise<void>;
}

const testNet = { first: ip4('198.18.0.0'), last: ip4('198.19.255.255') };
const logLimit = 256 * 1024;
/** The machine's folders that samba sees as the DC's run/ and log/ (start()). */
const machineDirs = ['/run/samba', '/var/log/samba'] as const;

export async function startSambaDc(options: SambaDcOptions): Promise<SambaDc> {
  checkId(options.id, 'Samba DC');
  const missing = await sambaMissing();
  if (missing !== undefined) throw new Error(missing);
  return createOrRemove(new Dc(options));
}

class Dc implements SambaDc {
  private namespace: Netns | undefined;
  readonly address: string;
  readonly peerAddress: string;
  readonly realm: string;
  readonly domain: string;
  readonly dnsDomain: string;
  readonly baseDn: string;
  readonly hostName: string;
  readonly ldapsUrl: string;
  caPem = '';
  readonly caFile: string;
  readonly adminBindDn: string;
  adminPassword = '';
  readonly serviceAccount = 'kordon-svc';
  readonly serviceBindDn: string;
  readonly servicePassword = strongPassword();
  readonly krb5Conf: string;
  readonly dir: string;
  readonly timings = { provisionMs: 0, setupMs: 0, startMs: 0 };
  private readonly nsName: string;
  private readonly rootIf: string;
  private readonly prefix = 30;
  private readonly shortHost: string;
  private readonly conf: string;
  private readonly secrets: string;
  private samba: Daemon | undefined;
  private output: () => string = () => '';

  constructor(private readonly options: SambaDcOptions) {
    this.realm = (options.realm ?? 'CORP.TEST').toUpperCase();
    this.dnsDomain = this.realm.toLowerCase();
    this.domain = (options.domain ?? this.realm.split('.')[0] ?? 'CORP').toUpperCase();
    this.shortHost = (options.host ?? 'dc1').toLowerCase();
    this.hostName = `${this.shortHost}.${this.dnsDomain}`;
    this.baseDn = this.dnsDomain
      .split('.')
      .map((label) => `DC=${label}`)
      .join(',');
    this.ldapsUrl = `ldaps://${this.hostName}`;
    this.adminBindDn = this.userDn('Administrator');
    this.serviceBindDn = this.userDn(this.serviceAccount);
    const hash = createHash('sha256').update(options.id).digest();
    [this.peerAddress, this.address] = linkEnds(
      options.subnet ?? pickSubnet('198.18.250.0', hash),
      'Samba DC',
    );
    this.nsName = `kordon-samba-${options.id}`;
    this.rootIf = `ksmb${hash.toString('hex').slice(0, 8)}`;
    this.dir = mkdtempSync(join(tmpdir(), `kordon-samba-${options.id}-`));
    this.conf = join(this.dir, 'etc', 'smb.conf');
    this.secrets = join(this.dir, 'secrets');
    this.caFile = join(this.dir, 'tls', 'ca.pem');
    this.krb5Conf = join(this.dir, 'krb5.conf');
  }

  get ns(): Netns {
    if (!this.namespace) throw new Error(`the namespace ${this.nsName} does not exist yet`);
    return this.namespace;
  }

  get running(): boolean {
    return this.samba !== undefined;
  }

  userDn(name: string): string {
    return `CN=${name},CN=Users,${this.baseDn}`;
  }

  async create(): Promise<void> {
    const t0 = performance.now();
    await this.removeStale();
    await this.checkSubnetFree();
    this.namespace = await Netns.create(this.nsName);
    await rootLink(
      this.rootIf,
      `${this.peerAddress}/${this.prefix}`,
      this.ns,
      'eth0',
      `${this.address}/${this.prefix}`,
    );
    // `ip netns exec` bind-mounts this over /etc/resolv.conf: names resolve through the DC's own DNS,
    // and nothing in the namespace is pointed at the host's resolver.
    mkdirSync(this.etcNetns(), { recursive: true });
    writeFileSync(
      join(this.etcNetns(), 'resolv.conf'),
      `search ${this.dnsDomain}\nnameserver ${this.address}\n`,
    );
    mkdirSync(this.secrets, { mode: 0o700 });
    // The folders of `log file` and `pid directory`, and what /var/log/samba and /run/samba are to samba
    // (start()): a log folder that does not exist sends every daemon's log to the machine's /var/log/samba.
    for (const d of ['run', 'log']) mkdirSync(join(this.dir, d));
    writeFileSync(this.krb5Conf, this.krb5ConfText());

    await Promise.all([this.provision(), this.makeCertificates()]);
    await this.addUser(this.serviceAccount, this.servicePassword);
    this.timings.setupMs = Math.round(performance.now() - t0);
    await this.start();
  }

  private async provision(): Promise<void> {
    const run = (d: string) => join(this.dir, 'run', d);
    const settings: Record<string, string> = {
      // Without these the DC would use the host's /var/log/samba, /run/samba and /var/lib/samba.
      'log file': join(this.dir, 'log', '%m.log'),
      'pid directory': join(this.dir, 'run'),
      'ncalrpc dir': run('ncalrpc'),
      'winbindd socket directory': run('winbindd'),
      'ntp signd socket directory': run('ntp_signd'),
      // Otherwise provision copies the host's first nameserver as a forwarder.
      'dns forwarder': '',
      interfaces: `${this.address} 127.0.0.1`,
      'bind interfaces only': 'yes',
      // No replication partners and no dynamic DNS here: these services only add start-up time and noise.
      'server services': '-dnsupdate -kcc -drepl -wrepl -nbt -ntp_signd',
      // Our own certificate: Samba's self-generated one takes ~10 s (RSA 4096) and has no subjectAltName.
      'tls enabled': 'yes',
      'tls certfile': join(this.dir, 'tls', 'cert.pem'),
      'tls keyfile': join(this.dir, 'tls', 'key.pem'),
      'tls cafile': this.caFile,
      'old password allowed period': String(this.options.oldPasswordAllowedMinutes ?? 0),
    };
    // An empty config of our own, or provision copies the host's /etc/samba/smb.conf into the DC's.
    const empty = join(this.dir, 'empty.conf');
    writeFileSync(empty, '');
    const t0 = performance.now();
    const result = await this.ns.run(
      'samba-tool',
      [
        'domain',
        'provision',
        `--configfile=${empty}`,
        `--realm=${this.realm}`,
        `--domain=${this.domain}`,
        '--server-role=dc',
        '--dns-backend=SAMBA_INTERNAL',
        `--host-name=${this.shortHost}`,
        `--host-ip=${this.address}`,
        `--targetdir=${this.dir}`,
        '--use-rfc2307',
        ...Object.entries(settings).map(([k, v]) => `--option=${k} = ${v}`),
      ],
      { timeoutMs: 120_000 },
    );
    this.timings.provisionMs = Math.round(performance.now() - t0);
    const log = result.stdout + result.stderr;
    writeFileSync(join(this.secrets, 'provision.log'), log, { mode: 0o600 });
    // Without --adminpass (a command line) provision picks a random password and logs it.
    const match = /Admin password:\s+(\S+)\s*$/m.exec(log);
    if (!match?.[1])
      throw new Error(`samba-tool domain provision printed no admin password:\n${log.slice(-4000)}`);
    this.adminPassword = match[1];
    // provision writes back only some --option settings (it drops "old password allowed period"):
    // add whatever it left out, so the file says everything samba and samba-tool will use.
    const conf = readFileSync(this.conf, 'utf8');
    const missing = Object.entries(settings).filter(
      ([k, v]) => v !== '' && !new RegExp(`^\\s*${k} = `, 'mi').test(conf),
    );
    const extra = missing.map(([k, v]) => `\t${k} = ${v}\n`).join('');
    writeFileSync(
      this.conf,
      conf.replace(/^\[global\]\n/m, (g) => g + extra),
    );
  }

  private async makeCertificates(): Promise<void> {
    const d = join(this.dir, 'tls');
    mkdirSync(d, { recursive: true });
    const caKey = join(d, 'ca.key');
    await runCommand(
      'openssl',
      certificateArgs({
        keyFile: caKey,
        certFile: this.caFile,
        days: 30,
        subject: `/CN=Kordon test CA for ${this.hostName}`,
        extensions: ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign'],
      }),
    );
    await runCommand(
      'openssl',
      certificateArgs({
        keyFile: join(d, 'key.pem'),
        certFile: join(d, 'cert.pem'),
        days: 30,
        subject: `/CN=${this.hostName}`,
        extensions: [
          `subjectAltName=DNS:${this.hostName},DNS:${this.dnsDomain}`,
          'basicConstraints=critical,CA:FALSE',
          'keyUsage=critical,digitalSignature',
          'extendedKeyUsage=serverAuth',
        ],
        issuer: { certFile: this.caFile, keyFile: caKey },
      }),
    );
    this.caPem = readFileSync(this.caFile, 'utf8');
  }

  async start(): Promise<void> {
    if (this.samba) return;
    const t0 = performance.now();
    // The mount points, where samba's packages have not made them (empty; nothing is written in them).
    for (const d of machineDirs) mkdirSync(d, { recursive: true });
    // A PID namespace of its own: samba is its init, so when samba exits the kernel ends every helper it
    // started (smbd, winbindd), and none is left as a zombie (PID 1 here reaps nothing). And a private
    // mount namespace, made anew at each start, in which the folder's run/ and log/ lie over /run/samba
    // and /var/log/samba before samba starts: smbd's libwbclient finds this DC's winbindd at
    // /run/samba/winbindd (compiled in; else every SMB session setup fails with
    // NT_STATUS_INTERNAL_ERROR), and nothing reaches the machine's folders. The shell execs samba, which
    // stays the PID namespace's first process.
    const samba = spawnDaemon([
      ...this.ns.execPrefix(),
      'unshare',
      '--mount',
      '--propagation',
      'private',
      '--pid',
      '--fork',
      '--kill-child=SIGTERM',
      'sh',
      '-c',
      'mount --bind "$1" /run/samba && mount --bind "$2" /var/log/samba && shift 2 && exec "$@"',
      'sh',
      join(this.dir, 'run'),
      join(this.dir, 'log'),
      'samba',
      `--configfile=${this.conf}`,
      '--interactive',
      '--no-process-group',
      `--model=${this.options.processModel ?? 'single'}`,
    ]);
    samba.child.once('exit', () => {
      if (this.samba === samba) this.samba = undefined;
    });
    this.samba = samba;
    this.output = samba.output;
    try {
      await this.waitReady(samba.child);
    } catch (e) {
      await this.stop();
      throw e;
    }
    this.timings.startMs = Math.round(performance.now() - t0);
  }

  private async waitReady(child: ChildProcess): Promise<void> {
    const deadline = performance.now() + 60_000;
    const ready = async () =>
      (await this.tlsAnswers()) &&
      (await tcpOpen(this.address, 88)) &&
      (await tcpOpen(this.address, 445)) &&
      (await this.winbinddAnswers(child));
    while (!(await ready())) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(
          `samba exited (${child.exitCode ?? child.signalCode}) while starting:\n${this.log()}`,
        );
      if (performance.now() > deadline)
        throw new Error(`samba did not serve LDAPS within 60 s:\n${this.log()}`);
      await sleep(50);
    }
  }

  /**
   * `wbinfo --ping` in samba's mount namespace, where /run/samba/winbindd is this DC's: smbd asks
   * winbindd at every SMB session setup, and winbindd starts after port 445 opens (until it answers,
   * a session setup fails with NT_STATUS_INTERNAL_ERROR).
   */
  private async winbinddAnswers(child: ChildProcess): Promise<boolean> {
    const samba = child.pid === undefined ? undefined : childPids(child.pid)[0];
    if (samba === undefined) return false;
    return runCommand('nsenter', [`--target=${samba}`, '--mount', '--', 'wbinfo', '--ping'], {
      timeoutMs: 5000,
    }).then(
      () => true,
      () => false,
    );
  }

  /** A TLS handshake on 636 that verifies the CA and the host name, as the gateway's client will. */
  private tlsAnswers(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = tls.connect({
        host: this.address,
        port: 636,
        servername: this.hostName,
        ca: this.caPem,
      });
      socket.setTimeout(2000, () => socket.destroy(new Error('timeout')));
      socket.once('secureConnect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
  }

  async stop(): Promise<void> {
    await this.samba?.stop(15_000);
    this.samba = undefined;
    // samba was the first process of its own PID namespace, so its helpers went with it; other
    // programs may share the network namespace (a gateway under test), so the ports tell it is down.
    const deadline = performance.now() + 15_000;
    for (const port of [636, 88, 445]) {
      while (await tcpOpen(this.address, port)) {
        if (performance.now() > deadline)
          throw new Error(`port ${port} still answers in ${this.nsName} after stop()`);
        await sleep(50);
      }
    }
  }

  async remove(): Promise<void> {
    await this.stop().catch(() => undefined);
    await runCommand('ip', ['link', 'del', this.rootIf]).catch(() => undefined);
    await this.namespace?.remove();
    this.namespace = undefined;
    rmSync(this.etcNetns(), { recursive: true, force: true });
    rmSync(this.dir, { recursive: true, force: true });
  }

  sambaTool(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    // setsid: no controlling terminal, so Python's getpass reads the password from stdin, not /dev/tty.
    return runCommand('setsid', ['--wait', 'samba-tool', ...args, `--configfile=${this.conf}`], {
      timeoutMs: 60_000,
      ...options,
    });
  }

  async addUser(name: string, password: string, options: SambaUserOptions = {}): Promise<void> {
    await this.sambaTool(['user', 'create', name], { stdin: twice(password) });
    if (options.upn !== undefined) await this.sambaTool(['user', 'rename', name, `--upn=${options.upn}`]);
    if (options.disabled === true) await this.disableUser(name);
  }

  async setPassword(name: string, password: string): Promise<void> {
    await this.sambaTool(['user', 'setpassword', name], { stdin: twice(password) });
  }

  async disableUser(name: string): Promise<void> {
    await this.sambaTool(['user', 'disable', name]);
  }

  async enableUser(name: string): Promise<void> {
    await this.sambaTool(['user', 'enable', name]);
  }

  async addGroup(name: string): Promise<void> {
    await this.sambaTool(['group', 'add', name]);
  }

  async addMembers(group: string, members: readonly string[]): Promise<void> {
    await this.sambaTool(['group', 'addmembers', group, members.join(',')]);
  }

  async removeMembers(group: string, members: readonly string[]): Promise<void> {
    await this.sambaTool(['group', 'removemembers', group, members.join(',')]);
  }

  async ldapModify(ldif: string): Promise<void> {
    await this.withPasswordFile(this.adminPassword, (file) =>
      this.ldapTool('ldapmodify', ['-x', '-D', this.adminBindDn, '-y', file], ldif),
    );
  }

  async ldapSearch(search: LdapSearch): Promise<LdapEntry[]> {
    const result = await this.withPasswordFile(search.password ?? this.servicePassword, (file) =>
      this.ldapTool('ldapsearch', [
        '-x',
        '-D',
        search.bindDn ?? this.serviceBindDn,
        '-y',
        file,
        '-LLL',
        '-o',
        'ldif-wrap=no',
        '-b',
        search.base ?? this.baseDn,
        '-s',
        search.scope ?? 'sub',
        search.filter,
        ...(search.attributes ?? []),
      ]),
    );
    return parseLdif(result.stdout);
  }

  async bind(bindDn: string, password: string): Promise<void> {
    // Samba does not offer the WhoAmI extended operation (ldapwhoami fails with "Protocol error").
    await this.withPasswordFile(password, (file) =>
      this.ldapTool('ldapsearch', [
        '-x',
        '-D',
        bindDn,
        '-y',
        file,
        '-LLL',
        '-b',
        this.baseDn,
        '-s',
        'base',
        'dn',
      ]),
    );
  }

  run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    return this.ns.run(command, args, options);
  }

  log(): string {
    return this.output();
  }

  /** An OpenLDAP tool in the DC's namespace: the FQDN resolves through the DC's DNS, and the CA is demanded. */
  private ldapTool(tool: string, args: readonly string[], stdin = ''): Promise<RunResult> {
    return this.ns.run(
      'env',
      [`LDAPTLS_CACERT=${this.caFile}`, 'LDAPTLS_REQCERT=demand', tool, '-H', this.ldapsUrl, ...args],
      { stdin },
    );
  }

  /** OpenLDAP's `-y` reads the whole file as the password: written without a newline, 0600, removed after. */
  private async withPasswordFile<T>(password: string, use: (file: string) => Promise<T>): Promise<T> {
    const file = join(this.secrets, `pw-${randomBytes(6).toString('hex')}`);
    writeFileSync(file, password, { mode: 0o600 });
    try {
      return await use(file);
    } finally {
      rmSync(file, { force: true });
    }
  }

  private krb5ConfText(): string {
    return [
      '[libdefaults]',
      `  default_realm = ${this.realm}`,
      '  dns_lookup_realm = false',
      '  dns_lookup_kdc = false',
      // Without these two every exchange waits on DNS (ARCHITECTURE: pitfalls).
      '  dns_canonicalize_hostname = false',
      '  rdns = false',
      '[realms]',
      `  ${this.realm} = {`,
      `    kdc = ${this.address}`,
      `    admin_server = ${this.address}`,
      '  }',
      '[domain_realm]',
      `  .${this.dnsDomain} = ${this.realm}`,
      `  ${this.dnsDomain} = ${this.realm}`,
      '',
    ].join('\n');
  }

  private etcNetns(): string {
    return join('/etc/netns', this.nsName);
  }

  /** A namespace of this id left by a run that crashed: its processes are a samba of ours. */
  private async removeStale(): Promise<void> {
    await removeStaleNamespace(this.nsName);
    await runCommand('ip', ['link', 'del', this.rootIf]).catch(() => undefined);
    removeStaleFolders(`kordon-samba-${this.options.id}-`, this.dir);
  }

  private async checkSubnetFree(): Promise<void> {
    const base = ip4(this.peerAddress) - 1;
    const used = await subnetInUse(base);
    if (used !== undefined)
      throw new Error(
        `${ip4String(base)}/30 for Samba DC "${this.options.id}" is already in use (${used}): pass another \`subnet\``,
      );
  }
}

/** Parses `ldapsearch -LLL -o ldif-wrap=no` output into entries. */
export function parseLdif(text: string): LdapEntry[] {
  const entries: LdapEntry[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    let entry: LdapEntry | undefined;
    for (const line of block.split('\n')) {
      const m = /^([A-Za-z0-9;-]+)(::?) ?(.*)$/.exec(line);
      if (!m) continue;
      const value = m[2] === '::' ? Buffer.from(m[3]!, 'base64').toString('utf8') : m[3]!;
      if (m[1] === 'dn') entry = { dn: value, attributes: {} };
      else if (entry) (entry.attributes[m[1]!] ??= []).push(value);
    }
    if (entry) entries.push(entry);
  }
  return entries;
}

/** Whether a TCP connection to address:port is accepted (false on refusal or after a second). */
export function tcpOpen(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port });
    socket.setTimeout(1000, () => socket.destroy(new Error('timeout')));
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Passes the complexity rule (three of upper, lower, digit, symbol) whatever the random part holds. */
function strongPassword(): string {
  return `Kd1-${randomBytes(12).toString('base64url')}`;
}

/** samba-tool asks for a new password twice ("New Password:", "Retype Password:"). */
function twice(password: string): string {
  if (/[\r\n]/.test(password)) throw new Error('a password for samba-tool cannot hold a line break');
  return `${password}\n${password}\n`;
}

// Shared with support/samba-member.ts.

/** An id names a namespace, a link and a folder: lowercase letters, digits and "-". */
export function checkId(id: string, what: string): void {
  if (!/^[a-z0-9-]{1,24}$/.test(id)) throw new Error(`bad ${what} id "${id}"`);
}

/** `create()`, and on failure `remove()` of whatever it made before the error goes on. */
export async function createOrRemove<T extends { create(): Promise<void>; remove(): Promise<void> }>(
  thing: T,
): Promise<T> {
  try {
    await thing.create();
    return thing;
  } catch (e) {
    await thing.remove();
    throw e;
  }
}

/** A daemon started as the first process of a PID namespace (`unshare --pid --fork` in its argv). */
export interface Daemon {
  readonly child: ChildProcess;
  /** What it printed (the last 256 KiB). */
  readonly output: () => string;
  /**
   * SIGTERM to the daemon, so that it shuts down cleanly (unshare, which `child` is, ignores SIGTERM
   * while it waits: the daemon is its only child); SIGKILL to both after timeoutMs.
   */
  stop(timeoutMs: number): Promise<void>;
}

export function spawnDaemon(argv: readonly string[]): Daemon {
  const [file, ...args] = argv;
  const child = spawn(file!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const append = (d: Buffer) => {
    text = (text + d.toString()).slice(-logLimit);
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  child.once('error', (e) => append(Buffer.from(`spawn failed: ${e.message}\n`)));
  return {
    child,
    output: () => text,
    async stop(timeoutMs) {
      if (child.pid === undefined) return;
      const daemon = childPids(child.pid)[0];
      if (daemon !== undefined) signal(daemon, 'SIGTERM');
      else child.kill('SIGKILL');
      if (!(await exited(child, timeoutMs))) {
        if (daemon !== undefined) signal(daemon, 'SIGKILL');
        child.kill('SIGKILL');
        await exited(child, timeoutMs);
      }
    },
  };
}

/** The children of a process (from /proc), or none when it is gone. */
function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .split(' ')
      .filter((s) => s.trim() !== '')
      .map(Number);
  } catch {
    return [];
  }
}

/** Sends a signal to a process that may be gone already. */
export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** Whether the child exits within timeoutMs (true at once when it has). */
export function exited(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function ip4(text: string): number {
  const parts = text.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255))
    throw new Error(`bad IPv4 address "${text}"`);
  return parts.reduce((n, p) => n * 256 + p, 0);
}

function ip4String(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** The ends of a /30 inside 198.18.0.0/15: .1 the peer's, .2 this side's; `what` names it in the error ("Samba DC"). */
export function linkEnds(subnet: string, what: string): [peer: string, self: string] {
  const [addr, len] = subnet.split('/');
  const base = ip4(addr ?? '');
  if (len !== '30' || base % 4 !== 0 || base < testNet.first || base + 3 > testNet.last)
    throw new Error(`${what} subnet "${subnet}" must be a /30 inside 198.18.0.0/15`);
  return [ip4String(base + 1), ip4String(base + 2)];
}

/** One of the 64 /30s of the /24 at `pool`, picked by the hash's first byte. */
export function pickSubnet(pool: string, hash: Buffer): string {
  return `${ip4String(ip4(pool) + 4 * (hash[0]! % 64))}/30`;
}

/** An address of the machine's (root namespace) inside the /30 that starts at `base`, or undefined. */
export async function subnetInUse(base: number): Promise<string | undefined> {
  const { stdout } = await runCommand('ip', ['-o', '-4', 'addr', 'show']);
  for (const m of stdout.matchAll(/inet (\d+\.\d+\.\d+\.\d+)\//g)) {
    const a = ip4(m[1]!);
    if (a >= base && a < base + 4) return m[1]!;
  }
  return undefined;
}

/** A veth pair from the root namespace (`rootIf`) to `ns` (`nsIf`), each end with its address ("a/30") and up. */
export async function rootLink(
  rootIf: string,
  rootAddress: string,
  ns: Netns,
  nsIf: string,
  nsAddress: string,
): Promise<void> {
  await runCommand('ip', ['link', 'add', rootIf, 'type', 'veth', 'peer', 'name', nsIf, 'netns', ns.name]);
  await runCommand('ip', ['addr', 'add', rootAddress, 'dev', rootIf]);
  await runCommand('ip', ['link', 'set', rootIf, 'up']);
  await ns.run('ip', ['addr', 'add', nsAddress, 'dev', nsIf]);
  await ns.run('ip', ['link', 'set', nsIf, 'up']);
}

/** Kills every process in a network namespace a crashed run left, and deletes it. */
export async function removeStaleNamespace(name: string): Promise<void> {
  const { stdout } = await runCommand('ip', ['netns', 'pids', name]).catch(() => ({ stdout: '' }));
  for (const pid of stdout.split('\n').filter((l) => l.trim() !== '')) signal(Number(pid), 'SIGKILL');
  await runCommand('ip', ['netns', 'del', name]).catch(() => undefined);
}

/** Removes the temporary folders named `prefix*` that a crashed run left, all but `keep`. */
export function removeStaleFolders(prefix: string, keep: string): void {
  for (const name of readdirSync(tmpdir())) {
    const path = join(tmpdir(), name);
    if (name.startsWith(prefix) && path !== keep) rmSync(path, { recursive: true, force: true });
  }
}
