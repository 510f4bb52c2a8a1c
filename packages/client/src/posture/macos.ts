// The macOS collectors (PROTOCOL.md: macOS clients check the OS, processes and antivirus): sw_vers,
// dsconfigad, ps, and antivirus products found at their known install paths. system_profiler is not
// used: listing applications takes it many seconds, past any time limit. The collectors run only on
// macOS; the parsers are tested on outputs written from the tools' documented formats.
import { clamavProducts, HOMEBREW_CLAMAV } from './clamav.js';
import type { AntivirusEntry, PlatformCollectors, Probe, ProductWants } from './types.js';

/** "ProductName:\tmacOS\nProductVersion:\t14.2.1\nBuildVersion:\t23C71" → "macOS 14.2.1". */
export function parseSwVers(text: string): string {
  const field = (key: string) => new RegExp(`^${key}:\\s*(.*)$`, 'm').exec(text)?.[1]?.trim() ?? '';
  return [field('ProductName'), field('ProductVersion')].filter((s) => s !== '').join(' ');
}

/**
 * `dsconfigad -show` on a Mac bound to Active Directory prints aligned "Key = value" lines, among
 * them "Active Directory Domain          = corp.example"; on a Mac not bound, nothing. → the domain or "".
 */
export function parseDsconfigad(text: string): string {
  return /^\s*Active Directory Domain\s*=\s*(.*?)\s*$/m.exec(text)?.[1] ?? '';
}

/**
 * `ps -axco comm`: a "COMM" header, then each process's name as the kernel keeps it (p_comm, at most
 * MAXCOMLEN = 16 characters).
 */
export function parsePsComm(text: string): Set<string> {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  if (lines[0] === 'COMM') lines.shift();
  return new Set(lines.filter((l) => l !== ''));
}

const MACOS_COMM_LENGTH = 16;

/** An asked process matches on its first 16 characters, as the kernel keeps them. */
export function runningMacProcesses(asked: readonly string[], running: ReadonlySet<string>): string[] {
  const kept = new Set([...running].map((n) => n.slice(0, MACOS_COMM_LENGTH)));
  return asked.filter((name) => name !== '' && kept.has(name.slice(0, MACOS_COMM_LENGTH)));
}

function macProcessNames(p: Probe): Promise<ReadonlySet<string>> {
  return p.shared('processes', async () => {
    const r = await p.run('/bin/ps', ['-axco', 'comm']);
    if (r.code !== 0) throw new Error(`ps exited with ${r.code}`);
    return parsePsComm(r.stdout);
  });
}

export interface KnownProduct {
  name: string;
  /** Bundles, the first that exists counts; its Info.plist's CFBundleShortVersionString is the version. */
  bundles: readonly string[];
  /** The product is active while one of these runs (names as `ps -c` shows them); none: always on. */
  processes: readonly string[];
}

/**
 * Antivirus products looked for, by their vendors' install paths. XProtect is Apple's own, part of
 * the system since 10.15 and not something a user can turn off: present means active.
 */
export const MAC_ANTIVIRUS: readonly KnownProduct[] = [
  {
    name: 'XProtect',
    bundles: [
      '/Library/Apple/System/Library/CoreServices/XProtect.bundle',
      '/System/Library/CoreServices/XProtect.bundle',
    ],
    processes: [],
  },
  {
    name: 'Microsoft Defender',
    bundles: ['/Applications/Microsoft Defender.app', '/Applications/Microsoft Defender ATP.app'],
    processes: ['wdavdaemon'],
  },
  {
    name: 'Sophos',
    bundles: ['/Applications/Sophos/Sophos Endpoint.app', '/Applications/Sophos Endpoint.app'],
    processes: ['SophosScanD', 'SophosAntiVirus'],
  },
  {
    name: 'ESET',
    bundles: [
      '/Applications/ESET Endpoint Security.app',
      '/Applications/ESET Endpoint Antivirus.app',
      '/Applications/ESET Cyber Security.app',
    ],
    processes: ['esets_daemon'],
  },
  {
    name: 'Kaspersky',
    bundles: [
      '/Applications/Kaspersky Endpoint Security for Mac.app',
      '/Applications/Kaspersky Security.app',
    ],
    processes: ['kav'],
  },
  {
    name: 'CrowdStrike Falcon',
    bundles: ['/Applications/Falcon.app'],
    processes: ['com.crowdstrike.falcon.Agent'],
  },
  { name: 'ClamXAV', bundles: ['/Applications/ClamXAV.app'], processes: ['clamd', 'ClamXAVSentry'] },
];

/** `plutil -extract CFBundleShortVersionString raw -o - <Info.plist>` (macOS 12+) prints the bare string. */
export function plutilVersionCommand(bundle: string): [string, string[]] {
  return [
    '/usr/bin/plutil',
    ['-extract', 'CFBundleShortVersionString', 'raw', '-o', '-', `${bundle}/Contents/Info.plist`],
  ];
}

async function knownProduct(
  p: Probe,
  want: ProductWants,
  product: KnownProduct,
): Promise<AntivirusEntry | undefined> {
  let bundle: string | undefined;
  for (const b of product.bundles) {
    if (await p.host.exists(b)) {
      bundle = b;
      break;
    }
  }
  if (bundle === undefined) return undefined;
  let version = '';
  if (want.version) {
    const [command, args] = plutilVersionCommand(bundle);
    const r = await p.run(command, args);
    version = r.code === 0 ? r.stdout.trim() : '';
    if (version === '') p.note('antivirus', `${product.name} did not say its version`);
  }
  let active = product.processes.length === 0;
  if (want.active && !active) {
    const running = runningMacProcesses(product.processes, await macProcessNames(p));
    active = running.length > 0;
  }
  // No documented place tells these products' signature or scan ages: not checked.
  return { active, name: product.name, version, last_update: null, last_scan: null };
}

async function antivirus(p: Probe, want: ProductWants): Promise<AntivirusEntry[]> {
  const [known, clam] = await Promise.all([
    Promise.all(MAC_ANTIVIRUS.map((product) => knownProduct(p, want, product))),
    clamavProducts(p, want, HOMEBREW_CLAMAV, () => macProcessNames(p)),
  ]);
  return [...known.filter((e): e is AntivirusEntry => e !== undefined), ...clam];
}

export const macosCollectors: PlatformCollectors = {
  osType: 'MacOS',
  where: 'on macOS',
  osVersion: async (p) => {
    const r = await p.run('/usr/bin/sw_vers', []);
    const version = r.code === 0 ? parseSwVers(r.stdout) : '';
    if (version === '') throw new Error('sw_vers did not say the version');
    return version;
  },
  domain: async (p) => {
    const r = await p.run('/usr/sbin/dsconfigad', ['-show']);
    if (r.code !== 0) throw new Error(`dsconfigad exited with ${r.code}`);
    return parseDsconfigad(r.stdout);
  },
  processes: async (p, asked) => runningMacProcesses(asked, await macProcessNames(p)),
  antivirus,
};
