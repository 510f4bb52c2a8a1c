// The Linux collectors (real): /etc/os-release, domain membership (config/domain.ts), /proc, systemd,
// nftables / ufw / firewalld, ClamAV. Windows updates and the registry do not exist here.
import { detectDomain, KRB5_CONF, KRB5_KEYTAB, SSSD_CONF, type FileReader } from '../config/domain.js';
import { clamavProducts, LINUX_CLAMAV } from './clamav.js';
import {
  nftRulesetActive,
  osReleaseVersion,
  parseFirewalldState,
  parseFirewalldVersion,
  parseNftVersion,
  parseRunningUnits,
  parseUfwStatus,
  parseUfwVersion,
  runningServices,
} from './linux-parse.js';
import type { FirewallEntry, PlatformCollectors, Probe, ProductWants } from './types.js';

/** The kernel keeps 15 characters of a process's name (TASK_COMM_LEN 16 with the NUL; PROTOCOL.md). */
const LINUX_COMM_LENGTH = 15;

async function osVersion(p: Probe): Promise<string> {
  // os-release(5): /etc/os-release, else /usr/lib/os-release.
  let text: string;
  try {
    text = await p.host.readFile('/etc/os-release');
  } catch {
    text = await p.host.readFile('/usr/lib/os-release');
  }
  const version = osReleaseVersion(text);
  if (version === undefined) throw new Error('os-release has neither PRETTY_NAME nor NAME');
  return version;
}

async function domain(p: Probe): Promise<string> {
  const read = (f: string) =>
    p.host.readFile(f).then(
      (t) => t,
      () => undefined,
    );
  const [krb5, sssd, keytab] = await Promise.all([
    read(KRB5_CONF),
    read(SSSD_CONF),
    p.host.exists(KRB5_KEYTAB),
  ]);
  const texts = new Map<string, string | undefined>([
    [KRB5_CONF, krb5],
    [SSSD_CONF, sssd],
  ]);
  const files: FileReader = {
    readText: (path) => texts.get(path),
    exists: (path) => (path === KRB5_KEYTAB ? keytab : texts.get(path) !== undefined),
  };
  return detectDomain(files)?.realm ?? '';
}

/** The names of running processes as /proc/<pid>/comm has them (at most 15 characters). */
function linuxProcessNames(p: Probe): Promise<ReadonlySet<string>> {
  return p.shared('processes', async () => {
    const pids = (await p.host.listDir('/proc')).filter((e) => /^\d+$/.test(e));
    const names = await Promise.all(
      pids.map((pid) =>
        p.host.readFile(`/proc/${pid}/comm`).then(
          (t) => t.replace(/\n$/, ''),
          () => undefined, // the process ended meanwhile
        ),
      ),
    );
    return new Set(names.filter((n): n is string => n !== undefined));
  });
}

async function processes(p: Probe, asked: readonly string[]): Promise<string[]> {
  const running = await linuxProcessNames(p);
  return asked.filter((name) => name !== '' && running.has(name.slice(0, LINUX_COMM_LENGTH)));
}

/**
 * Running services from systemd: one `systemctl list-units --type=service --state=running` whatever
 * the number asked (nothing of the request goes into the command line), and "running" exactly
 * (SubState running: `systemctl is-active` would also call an exited one-shot "active"). An asked
 * name matches a unit by its name with or without ".service"; aliases are not followed (on Debian
 * the OpenSSH unit is `ssh`, not `sshd`). No systemd (no /run/systemd/system, sd_booted(3)): not checked.
 */
async function services(p: Probe, asked: readonly string[]): Promise<string[]> {
  if (!(await p.host.exists('/run/systemd/system'))) throw new Error('systemd does not run this machine');
  const r = await p.run('systemctl', [
    'list-units',
    '--type=service',
    '--state=running',
    '--no-legend',
    '--plain',
  ]);
  if (r.code !== 0) throw new Error(`systemctl exited with ${r.code}: ${firstLine(r.stderr)}`);
  return runningServices(asked, parseRunningUnits(r.stdout));
}

function firstLine(text: string): string {
  return text.trim().split(/\r?\n/)[0] ?? '';
}

type ActiveCheck = () => Promise<boolean | undefined>;

/** One firewall product: installed when its version command runs; active by its own check. */
async function product(
  p: Probe,
  want: ProductWants,
  name: string,
  versionCommand: [string, string[]],
  parseVersion: (text: string) => string,
  active: ActiveCheck,
): Promise<FirewallEntry | undefined> {
  const r = await p.tryRun(versionCommand[0], versionCommand[1]);
  if (r === undefined) return undefined;
  const version = r.code === 0 ? parseVersion(r.stdout) : '';
  if (want.version && version === '') p.note('firewall', `${name} did not say its version`);
  let on = false;
  if (want.active) {
    const state = await active();
    if (state === undefined) p.note('firewall', `could not tell whether ${name} is active`);
    on = state ?? false;
  }
  return { active: on, name, version };
}

/**
 * nftables is active when its ruleset filters what comes in (nftRulesetActive); ufw by `ufw status`;
 * firewalld by `firewall-cmd --state`. One entry per product whose program is installed.
 */
async function firewall(p: Probe, want: ProductWants): Promise<FirewallEntry[]> {
  const nft = product(p, want, 'nftables', ['nft', ['--version']], parseNftVersion, async () => {
    const r = await p.run('nft', ['list', 'ruleset']);
    if (r.code !== 0) {
      p.note('firewall', `nft list ruleset: ${firstLine(r.stderr)}`);
      return undefined;
    }
    return nftRulesetActive(r.stdout);
  });
  const ufw = product(p, want, 'ufw', ['ufw', ['--version']], parseUfwVersion, async () => {
    const r = await p.run('ufw', ['status']);
    const state = parseUfwStatus(r.stdout);
    if (state === undefined) p.note('firewall', `ufw status: ${firstLine(r.stderr || r.stdout)}`);
    return state;
  });
  const firewalld = product(
    p,
    want,
    'firewalld',
    ['firewall-cmd', ['--version']],
    parseFirewalldVersion,
    async () => parseFirewalldState((await p.run('firewall-cmd', ['--state'])).stdout),
  );
  const found = await Promise.all([nft, ufw, firewalld]);
  return found.filter((e): e is FirewallEntry => e !== undefined);
}

export const linuxCollectors: PlatformCollectors = {
  osType: 'Linux',
  where: 'on Linux',
  osVersion,
  domain,
  processes,
  services,
  firewall,
  antivirus: (p, want) => clamavProducts(p, want, LINUX_CLAMAV, () => linuxProcessNames(p)),
};
