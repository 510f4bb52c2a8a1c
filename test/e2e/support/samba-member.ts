// A domain member host for a DC of support/samba.ts: the gateway's side of NTLM single sign-on, joined
// with `net ads join` and running winbindd, as on a proxy host. It has a network namespace of its own,
// linked to the DC's by a veth pair (and, with `clientSubnet`, to the root namespace, where the test's
// clients are, by another), and a private mount and UTS namespace in which /etc/samba,
// /var/lib/samba, /var/cache/samba, /var/log/samba and /run/samba (and /etc/resolv.conf, /etc/hosts,
// /etc/krb5.conf) are bind mounts of files under its temporary folder. So nothing on the machine is
// read or written, and `ntlm_auth` and `wbinfo` run through `command` find this winbindd at
// /run/samba/winbindd: libwbclient 4.17 has that path compiled in (WINBINDD_SOCKET_DIR is read only
// under nss_wrapper), which is why a mount namespace, and no environment, points them at it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { link, Netns, runCommand, type RunOptions, type RunResult } from '@kordon/drivers';
import {
  checkId,
  createOrRemove,
  exited,
  ip4,
  linkEnds,
  pickSubnet,
  removeStaleFolders,
  removeStaleNamespace,
  rootLink,
  signal,
  sleep,
  spawnDaemon,
  subnetInUse,
  type Daemon,
  type SambaDc,
} from './samba.js';

export interface SambaMemberOptions {
  /** Unique per suite (lowercase letters, digits, "-"): names the namespace, the link and the folder. */
  id: string;
  /**
   * The member's NetBIOS name (at most 15 characters); default `kgw-<id>`. It must differ from the
   * host part of the gateway's auth_domain: a host whose machine name equals it cannot join while
   * another account holds `HTTP/<auth_domain>` (the Kerberos keytab's account).
   */
  machineName?: string;
  /** The gateway's auth_domain, checked against machineName. */
  authDomain?: string;
  /** A /30 inside 198.18.0.0/15 for the link to the DC (.1 the DC's end, .2 the member); default derived from `id` inside 198.18.251.0/24. */
  subnet?: string;
  /**
   * A /30 inside 198.18.0.0/15 for a second link, from the root namespace (the office network the
   * clients are on: .1 the root end, .2 the member's `clientAddress`); none by default.
   */
  clientSubnet?: string;
}

export interface SambaMember {
  /** Upper case, as winbind reports it. */
  readonly machineName: string;
  /** The member's address, and the DC namespace's end of the link. */
  readonly address: string;
  readonly peerAddress: string;
  /** With `clientSubnet`: the member's end of the root namespace's link, and the root end; else undefined. */
  readonly clientAddress: string | undefined;
  readonly clientPeerAddress: string | undefined;
  readonly dir: string;
  /** An argv prefix that runs a program inside the member (its network, mount and UTS namespaces): `NtlmOptions.command`. */
  readonly command: readonly string[];
  /** Environment a helper needs besides `command`: none, since the mount namespace places winbindd's socket. */
  readonly env: Record<string, string>;
  /** setupMs: namespaces, link, mounts and smb.conf; joinMs: `net ads join`; winbindStartMs: the last start until `wbinfo -t` passes. */
  readonly timings: { setupMs: number; joinMs: number; winbindStartMs: number };
  run(command: string, args: readonly string[], options?: RunOptions): Promise<RunResult>;
  /** Process ids inside the member (its mount namespace) whose command name is `comm`. */
  processes(comm: string): number[];
  readonly winbindRunning: boolean;
  /**
   * What pam_winbind with `cached_login` does at a desktop logon: `wbinfo --pam-logon` (the password on
   * stdin) checks the password with the DC and keeps it in winbindd's memory, for
   * `ntlm_auth --use-cached-creds` run by the same uid. Gone when winbindd stops.
   */
  logon(user: string, password: string): Promise<void>;
  startWinbind(): Promise<void>;
  stopWinbind(): Promise<void>;
  /** What winbindd printed (the last 256 KiB). */
  log(): string;
  /** Stops winbindd; the namespaces and the join stay. */
  stop(): Promise<void>;
  /** Stops winbindd and removes the mount namespace, the link, the network namespace and the folder. */
  remove(): Promise<void>;
}

/** Marks the process that holds the mount namespace, so a crashed run's holder can be found. */
const holderTag = 'KORDON_SAMBA_MEMBER';

export async function startSambaMember(dc: SambaDc, options: SambaMemberOptions): Promise<SambaMember> {
  checkId(options.id, 'Samba member');
  return createOrRemove(new Member(dc, options));
}

class Member implements SambaMember {
  readonly machineName: string;
  readonly address: string;
  readonly peerAddress: string;
  readonly clientAddress: string | undefined;
  readonly clientPeerAddress: string | undefined;
  readonly dir: string;
  readonly env: Record<string, string> = {};
  readonly timings = { setupMs: 0, joinMs: 0, winbindStartMs: 0 };
  private readonly nsName: string;
  private readonly dcIf: string;
  private readonly clientIf: string;
  private namespace: Netns | undefined;
  private holder: ChildProcess | undefined;
  private holderMnt = '';
  private winbind: Daemon | undefined;
  private output: () => string = () => '';

  constructor(
    private readonly dc: SambaDc,
    private readonly options: SambaMemberOptions,
  ) {
    this.machineName = (options.machineName ?? `kgw-${options.id}`).toUpperCase();
    if (!/^[A-Z0-9][A-Z0-9-]{0,14}$/.test(this.machineName))
      throw new Error(`bad NetBIOS name "${this.machineName}" (at most 15 letters, digits and "-")`);
    const authHost = options.authDomain?.split('.')[0]?.toUpperCase();
    if (authHost === this.machineName)
      throw new Error(
        `the member's machine name ${this.machineName} equals the host part of auth_domain ${options.authDomain ?? ''}: pick another`,
      );
    const hash = createHash('sha256').update(`member:${options.id}`).digest();
    [this.peerAddress, this.address] = linkEnds(
      options.subnet ?? pickSubnet('198.18.251.0', hash),
      'Samba member',
    );
    this.nsName = `kordon-samba-member-${options.id}`;
    this.dcIf = `kmbr${hash.toString('hex').slice(0, 8)}`;
    this.clientIf = `kmbc${hash.toString('hex').slice(0, 8)}`;
    const client =
      options.clientSubnet === undefined ? undefined : linkEnds(options.clientSubnet, 'Samba member');
    this.clientPeerAddress = client?.[0];
    this.clientAddress = client?.[1];
    this.dir = mkdtempSync(join(tmpdir(), `kordon-samba-member-${options.id}-`));
  }

  get command(): readonly string[] {
    const pid = this.holder?.pid;
    if (pid === undefined) throw new Error(`the member ${this.machineName} is not running`);
    return ['nsenter', `--target=${pid}`, '--mount', '--uts', '--net', '--'];
  }

  get winbindRunning(): boolean {
    return this.winbind !== undefined;
  }

  async create(): Promise<void> {
    const t0 = performance.now();
    await this.removeStale();
    this.namespace = await Netns.create(this.nsName);
    await link(this.dc.ns, this.dcIf, `${this.peerAddress}/30`, this.namespace, 'eth0', `${this.address}/30`);
    // The DC's address is on its own link to the root namespace: reach it through the DC's end of ours.
    await this.namespace.run('ip', ['route', 'add', `${this.dc.address}/32`, 'via', this.peerAddress]);
    if (this.clientAddress !== undefined && this.clientPeerAddress !== undefined) {
      await checkFree(this.clientPeerAddress, this.options.clientSubnet ?? '');
      await rootLink(
        this.clientIf,
        `${this.clientPeerAddress}/30`,
        this.namespace,
        'eth1',
        `${this.clientAddress}/30`,
      );
    }

    this.writeFiles();
    await this.startHolder();
    const binds: [string, string][] = [
      ['etc', '/etc/samba'],
      ['lib', '/var/lib/samba'],
      ['cache', '/var/cache/samba'],
      ['log', '/var/log/samba'],
      ['run', '/run/samba'],
      ['resolv.conf', '/etc/resolv.conf'],
      ['hosts', '/etc/hosts'],
    ];
    for (const [from, to] of binds) await this.run('mount', ['--bind', join(this.dir, from), to]);
    // The machine's /etc/krb5.conf names another realm (krb5-config's default).
    await this.run('mount', ['--bind', this.dc.krb5Conf, '/etc/krb5.conf']);
    await this.run('hostname', [this.machineName.toLowerCase()]);
    this.timings.setupMs = Math.round(performance.now() - t0);

    await this.join();
    await this.startWinbind();
  }

  private writeFiles(): void {
    for (const d of ['etc', 'lib', 'cache', 'log', 'run']) mkdirSync(join(this.dir, d));
    mkdirSync(join(this.dir, 'lib', 'private'), { mode: 0o700 });
    const name = this.machineName.toLowerCase();
    writeFileSync(
      join(this.dir, 'resolv.conf'),
      `search ${this.dc.dnsDomain}\nnameserver ${this.dc.address}\n`,
    );
    writeFileSync(
      join(this.dir, 'hosts'),
      `127.0.0.1 localhost\n${this.address} ${name}.${this.dc.dnsDomain} ${name}\n${this.dc.address} ${this.dc.hostName}\n`,
    );
    const settings: [string, string][] = [
      ['security', 'ads'],
      ['realm', this.dc.realm],
      ['workgroup', this.dc.domain],
      ['netbios name', this.machineName],
      ['password server', this.dc.hostName],
      ['kerberos method', 'secrets only'],
      // ntlm_auth then names users DOMAIN\name, which the gateway maps to the directory.
      ['winbind use default domain', 'no'],
      ['winbind offline logon', 'no'],
      ['idmap config * : backend', 'tdb'],
      ['idmap config * : range', '3000-7999'],
      [`idmap config ${this.dc.domain} : backend`, 'rid'],
      [`idmap config ${this.dc.domain} : range`, '10000-999999'],
      ['log file', '/var/log/samba/log.%m'],
      ['log level', '1'],
      ['disable netbios', 'yes'],
      ['load printers', 'no'],
      ['printing', 'bsd'],
      ['printcap name', '/dev/null'],
      ['disable spoolss', 'yes'],
    ];
    writeFileSync(
      join(this.dir, 'etc', 'smb.conf'),
      `[global]\n${settings.map(([k, v]) => `\t${k} = ${v}\n`).join('')}`,
    );
  }

  /** A process that holds the private mount and UTS namespaces as long as the member exists. */
  private async startHolder(): Promise<void> {
    const holder = spawn(
      'ip',
      [
        'netns',
        'exec',
        this.nsName,
        'unshare',
        '--mount',
        '--uts',
        '--propagation',
        'private',
        'sleep',
        'infinity',
      ],
      {
        stdio: 'ignore',
        env: { PATH: process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin', [holderTag]: this.options.id },
      },
    );
    holder.once('exit', () => {
      if (this.holder === holder) this.holder = undefined;
    });
    this.holder = holder;
    const own = readlinkSync('/proc/self/ns/mnt');
    const deadline = performance.now() + 10_000;
    // ip execs unshare, which execs sleep in the new namespaces: same process id throughout.
    for (;;) {
      const pid = holder.pid;
      if (pid !== undefined && comm(pid) === 'sleep') {
        const mnt = mntNs(pid);
        if (mnt !== undefined && mnt !== own) {
          this.holderMnt = mnt;
          return;
        }
      }
      if (holder.exitCode !== null || performance.now() > deadline)
        throw new Error(`the member's namespace holder did not start (exit ${holder.exitCode ?? 'none'})`);
      await sleep(20);
    }
  }

  /** `net ads join` as Administrator, the password on stdin (net reads it there when prompting). */
  private async join(): Promise<void> {
    const t0 = performance.now();
    const result = await this.run(
      'setsid',
      ['--wait', 'net', 'ads', 'join', '-U', `${this.dc.domain}\\Administrator`, '--no-dns-updates'],
      { stdin: `${this.dc.adminPassword}\n`, timeoutMs: 60_000 },
    );
    this.timings.joinMs = Math.round(performance.now() - t0);
    if (!/Joined '/.test(result.stdout + result.stderr))
      throw new Error(`net ads join did not join:\n${result.stdout}${result.stderr}`);
  }

  async logon(user: string, password: string): Promise<void> {
    // setsid: no terminal to prompt on, so wbinfo reads the password from stdin.
    const result = await this.run('setsid', ['--wait', 'wbinfo', `--pam-logon=${user}`], {
      stdin: `${password}\n`,
      timeoutMs: 20_000,
    });
    if (!/authentication succeeded/.test(result.stdout + result.stderr))
      throw new Error(`wbinfo --pam-logon ${user} did not log on:\n${result.stdout}${result.stderr}`);
  }

  async startWinbind(): Promise<void> {
    if (this.winbind) return;
    const t0 = performance.now();
    // winbindd is the first process of a PID namespace of its own: its exit ends its children
    // (domain and idmap children, samba-dcerpcd), and none is left as a zombie.
    const winbind = spawnDaemon([
      ...this.command,
      'unshare',
      '--pid',
      '--fork',
      '--kill-child=SIGTERM',
      'winbindd',
      '--foreground',
      '--no-process-group',
      '--debug-stdout',
    ]);
    const child = winbind.child;
    child.once('exit', () => {
      if (this.winbind === winbind) this.winbind = undefined;
    });
    this.winbind = winbind;
    this.output = winbind.output;
    const deadline = performance.now() + 60_000;
    for (;;) {
      // -t checks the machine account's secure channel with the DC: NTLM logins work from then on.
      const ok = await this.run('wbinfo', ['-t'], { timeoutMs: 10_000 }).then(
        () => true,
        () => false,
      );
      if (ok) break;
      if (child.exitCode !== null || child.signalCode !== null) {
        this.winbind = undefined;
        throw new Error(`winbindd exited while starting:\n${this.log()}`);
      }
      if (performance.now() > deadline) {
        await this.stopWinbind();
        throw new Error(`winbindd did not answer wbinfo -t within 60 s:\n${this.log()}`);
      }
      await sleep(100);
    }
    this.timings.winbindStartMs = Math.round(performance.now() - t0);
  }

  async stopWinbind(): Promise<void> {
    await this.winbind?.stop(10_000);
    this.winbind = undefined;
  }

  run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const [file, ...prefix] = this.command;
    return runCommand(file!, [...prefix, command, ...args], options);
  }

  processes(name: string): number[] {
    if (this.holderMnt === '') return [];
    return allPids().filter((pid) => comm(pid) === name && mntNs(pid) === this.holderMnt);
  }

  log(): string {
    return this.output();
  }

  stop(): Promise<void> {
    return this.stopWinbind();
  }

  async remove(): Promise<void> {
    await this.stopWinbind().catch(() => undefined);
    const holder = this.holder;
    if (holder) {
      holder.kill('SIGKILL');
      await exited(holder, 10_000);
    }
    this.holder = undefined;
    // Deleting one end of a veth pair deletes the other, in the DC's namespace (and the root's) too.
    await this.namespace?.run('ip', ['link', 'del', 'eth0']).catch(() => undefined);
    if (this.clientAddress !== undefined)
      await this.namespace?.run('ip', ['link', 'del', 'eth1']).catch(() => undefined);
    await this.namespace?.remove();
    this.namespace = undefined;
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** What a run that crashed left: its holder (tagged), processes in its namespace, its folder. */
  private async removeStale(): Promise<void> {
    const tag = `${holderTag}=${this.options.id}`;
    for (const pid of allPids()) {
      try {
        if (readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(tag)) signal(pid, 'SIGKILL');
      } catch {
        // gone, or a kernel thread
      }
    }
    await removeStaleNamespace(this.nsName);
    await runCommand('ip', ['link', 'del', this.clientIf]).catch(() => undefined);
    removeStaleFolders(`kordon-samba-member-${this.options.id}-`, this.dir);
  }
}

/** Refuses a /30 of which the machine already has an address (another suite's, or a crashed run's). */
async function checkFree(rootEnd: string, subnet: string): Promise<void> {
  const used = await subnetInUse(ip4(rootEnd) - 1);
  if (used !== undefined)
    throw new Error(`the member's client subnet ${subnet} is already in use (${used}): pass another`);
}

function allPids(): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number);
}

function comm(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function mntNs(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/mnt`);
  } catch {
    return undefined;
  }
}
