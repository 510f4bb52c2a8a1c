// ClamAV as an antivirus product (Linux, and macOS with Homebrew's ClamAV): installed when one of its
// programs is, active when its daemon `clamd` runs, its version from `clamscan --version` (or
// clamdscan, clamd), the age of its signatures from the header of its daily database, the age of the
// last scan from its logs.
//
// Signature age: the header of `daily.cld` / `daily.cvd` (the newer of the two), whose last field is
// the build time in seconds since the epoch. Chosen over the date in `clamscan --version`
// ("ClamAV 1.0.7/27474/Sun Dec  1 09:35:02 2024"), which is the same moment printed by ctime(3) in the
// local time zone without saying which, and needs the program to run; that line is only the fallback.
import type { AntivirusEntry, Probe, ProductWants } from './types.js';
import { daysSince } from './types.js';

export interface ClamavPaths {
  /** clamd.conf / freshclam.conf: their DatabaseDirectory and LogFile lines are read. */
  configFiles: readonly string[];
  /** Where the databases are when no configuration says. */
  databaseDirs: readonly string[];
  /** Folders whose files are logs to look for scans in (freshclam's own logs are skipped). */
  logDirs: readonly string[];
  logFiles: readonly string[];
}

export const LINUX_CLAMAV: ClamavPaths = {
  configFiles: [
    '/etc/clamav/clamd.conf',
    '/etc/clamav/freshclam.conf',
    '/etc/clamd.d/scan.conf',
    '/etc/clamd.conf',
    '/etc/freshclam.conf',
  ],
  databaseDirs: ['/var/lib/clamav'],
  logDirs: ['/var/log/clamav'],
  logFiles: ['/var/log/clamd.scan'],
};

export const HOMEBREW_CLAMAV: ClamavPaths = {
  configFiles: [
    '/opt/homebrew/etc/clamav/clamd.conf',
    '/opt/homebrew/etc/clamav/freshclam.conf',
    '/usr/local/etc/clamav/clamd.conf',
    '/usr/local/etc/clamav/freshclam.conf',
  ],
  databaseDirs: ['/opt/homebrew/var/lib/clamav', '/usr/local/var/lib/clamav'],
  logDirs: ['/opt/homebrew/var/log/clamav', '/usr/local/var/log/clamav'],
  logFiles: [],
};

/** The CVD/CLD header is the file's first 512 bytes. */
const HEADER_BYTES = 512;
/** Logs are read from their end: the last scan is there. */
const LOG_TAIL_BYTES = 1024 * 1024;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export interface ClamVersion {
  /** The engine's version: "1.0.7". */
  engine: string;
  /** The daily database's version and date, when the program could read it. */
  database?: { version: number; time: number };
}

/** "ClamAV 1.0.7/27474/Sun Dec  1 09:35:02 2024" (the date in local time); "ClamAV 1.0.7" without a database. */
export function parseClamVersion(text: string): ClamVersion | undefined {
  const m = /^ClamAV\s+([^/\s]+)(?:\/(\d+)\/(.+))?$/m.exec(text.trim());
  if (m === null) return undefined;
  const engine = m[1] ?? '';
  const time = m[3] === undefined ? undefined : parseCtime(m[3].trim());
  return time === undefined || m[2] === undefined
    ? { engine }
    : { engine, database: { version: Number(m[2]), time } };
}

/** ctime(3) in local time: "Sun Dec  1 09:35:02 2024". */
export function parseCtime(text: string): number | undefined {
  const m = /^\w{3}\s+(\w{3})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})\s+(\d{4})\b/.exec(text);
  if (m === null) return undefined;
  const month = MONTHS.indexOf(m[1] ?? '');
  if (month < 0) return undefined;
  const t = new Date(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])).getTime();
  return Number.isNaN(t) ? undefined : t;
}

/**
 * The build time of a CVD/CLD database, from its header (sigtool's format, one line padded to 512
 * bytes): `ClamAV-VDB:<build time "16 Dec 2025 23-18 +0000">:<version>:<signatures>:<level>:<md5>:
 * <signature>:<builder>:<seconds since the epoch>`. The last field is used; the written time (with a
 * zone) only when it is missing.
 */
export function parseCvdHeader(header: string): { version: number; time: number } | undefined {
  if (!header.startsWith('ClamAV-VDB:')) return undefined;
  const fields = header
    .slice(0, HEADER_BYTES)
    .replace(/[\0\s]+$/, '')
    .split(':');
  const version = Number(fields[2]);
  const stime = fields[8]?.trim();
  if (stime !== undefined && /^\d+$/.test(stime)) return { version, time: Number(stime) * 1000 };
  const written = /^(\d{1,2}) (\w{3}) (\d{4}) (\d{2})[-:](\d{2}) ([+-])(\d{2})(\d{2})$/.exec(
    fields[1]?.trim() ?? '',
  );
  if (written === null) return undefined;
  const month = MONTHS.indexOf(written[2] ?? '');
  if (month < 0) return undefined;
  const offset = (written[6] === '-' ? -1 : 1) * (Number(written[7]) * 60 + Number(written[8])) * 60_000;
  const utc = Date.UTC(Number(written[3]), month, Number(written[1]), Number(written[4]), Number(written[5]));
  return { version, time: utc - offset };
}

/** `DatabaseDirectory` and `LogFile` of clamd.conf / freshclam.conf (clamd.conf(5)): "Key value" lines. */
export function parseClamConfig(text: string): { databaseDirectory?: string; logFiles: string[] } {
  const result: { databaseDirectory?: string; logFiles: string[] } = { logFiles: [] };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(\S+)\s+(.+)$/.exec(line);
    if (m === null) continue;
    const value = (m[2] ?? '').trim().replace(/^"(.*)"$/, '$1');
    if (m[1] === 'DatabaseDirectory') result.databaseDirectory = value;
    if (m[1] === 'LogFile') result.logFiles.push(value);
  }
  return result;
}

/**
 * The time of the last scan a ClamAV log tells of (local time), undefined when it tells of none:
 *   - the summary clamscan and clamdscan write with `--log` (0.103 and later):
 *     "Start Date: 2024:12:01 10:00:00" / "End Date:   2024:12:01 10:00:10";
 *   - clamd's result lines with `LogTime`: "Sun Dec  1 10:00:10 2024 -> /home/a/x: Eicar-Test FOUND"
 *     (and "...: OK" with `LogClean`). Its self-checks ("SelfCheck: Database status OK.") are no scan.
 */
export function lastScanInLog(text: string): number | undefined {
  let last: number | undefined;
  const seen = (t: number | undefined) => {
    if (t !== undefined && (last === undefined || t > last)) last = t;
  };
  for (const line of text.split(/\r?\n/)) {
    const summary = /^(?:Start|End) Date:\s+(\d{4}):(\d{2}):(\d{2})\s+(\d{2}):(\d{2}):(\d{2})\s*$/.exec(line);
    if (summary) {
      const [y, mo, d, h, mi, s] = summary.slice(1).map(Number) as [
        number,
        number,
        number,
        number,
        number,
        number,
      ];
      const t = new Date(y, mo - 1, d, h, mi, s).getTime();
      seen(Number.isNaN(t) ? undefined : t);
      continue;
    }
    const result = /^(.{24}) -> (?!SelfCheck:).*: (?:.+ FOUND|OK)\s*$/.exec(line);
    if (result) seen(parseCtime(result[1] ?? ''));
  }
  return last;
}

const VERSION_COMMANDS = ['clamscan', 'clamdscan', 'clamd'] as const;

/** ClamAV's entry, or none when it is not installed. */
export async function clamavProducts(
  p: Probe,
  want: ProductWants,
  paths: ClamavPaths,
  running: () => Promise<ReadonlySet<string>>,
): Promise<AntivirusEntry[]> {
  const daemon = running().then(
    (names) => names.has('clamd'),
    (e: unknown) => {
      p.note('antivirus', `could not tell whether clamd runs: ${(e as Error).message}`);
      return false;
    },
  );
  // Installed when one of its programs is; the first that answers tells the version (clamdscan asks
  // the daemon, which may be down: then clamd itself).
  let installed = false;
  let version: ClamVersion | undefined;
  for (const command of VERSION_COMMANDS) {
    const r = await p.tryRun(command, ['--version']);
    if (r === undefined) continue;
    installed = true;
    version = r.code === 0 ? parseClamVersion(r.stdout) : undefined;
    if (version !== undefined) break;
  }
  const clamd = await daemon;
  if (!installed && !clamd) return [];
  if (want.version && version === undefined) p.note('antivirus', 'ClamAV did not say its version');
  const configs = await Promise.all(
    paths.configFiles.map((f) => p.host.readFile(f).then(parseClamConfig, () => undefined)),
  );
  const [lastUpdate, lastScan] = await Promise.all([
    want.update ? signaturesBuilt(p, paths, configs, version) : undefined,
    want.scan ? lastScanTime(p, paths, configs) : undefined,
  ]);
  if (want.update && lastUpdate === undefined) p.note('antivirus', 'no ClamAV database header could be read');
  return [
    {
      active: clamd,
      name: 'ClamAV',
      version: version?.engine ?? '',
      last_update: lastUpdate === undefined ? null : daysSince(lastUpdate, p.now),
      last_scan: lastScan === undefined ? null : daysSince(lastScan, p.now),
    },
  ];
}

type Config = ReturnType<typeof parseClamConfig> | undefined;

async function signaturesBuilt(
  p: Probe,
  paths: ClamavPaths,
  configs: readonly Config[],
  version: ClamVersion | undefined,
): Promise<number | undefined> {
  const dirs = [
    ...new Set([
      ...configs.flatMap((c) => (c?.databaseDirectory !== undefined ? [c.databaseDirectory] : [])),
      ...paths.databaseDirs,
    ]),
  ];
  const headers = await Promise.all(
    dirs.flatMap((dir) =>
      ['daily.cld', 'daily.cvd'].map((file) =>
        p.host.readFilePart(`${dir}/${file}`, HEADER_BYTES, 'start').then(parseCvdHeader, () => undefined),
      ),
    ),
  );
  let newest: number | undefined;
  for (const h of headers) if (h !== undefined && (newest === undefined || h.time > newest)) newest = h.time;
  return newest ?? version?.database?.time;
}

async function lastScanTime(
  p: Probe,
  paths: ClamavPaths,
  configs: readonly Config[],
): Promise<number | undefined> {
  const listed = await Promise.all(
    paths.logDirs.map((dir) =>
      p.host.listDir(dir).then(
        (names) => names.filter((n) => !n.startsWith('freshclam')).map((n) => `${dir}/${n}`),
        () => [] as string[],
      ),
    ),
  );
  const files = [
    ...new Set([...configs.flatMap((c) => c?.logFiles ?? []), ...paths.logFiles, ...listed.flat()]),
  ];
  const times = await Promise.all(
    files.map((f) => p.host.readFilePart(f, LOG_TAIL_BYTES, 'end').then(lastScanInLog, () => undefined)),
  );
  let last: number | undefined;
  for (const t of times) if (t !== undefined && (last === undefined || t > last)) last = t;
  return last;
}
