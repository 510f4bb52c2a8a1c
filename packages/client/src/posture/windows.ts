// The Windows collectors: Windows PowerShell 5.1 (present on every Windows 10+) run as
// `powershell.exe -NoProfile -NonInteractive -Command <fixed script>`; nothing of the request is put
// into a script (the registry keys asked go in on stdin, as JSON). Each script prints one JSON value
// (ConvertTo-Json) that a parser below reads; the parsers are tested on outputs written from the
// documented shapes of the CIM classes and cmdlets, the collectors run only on Windows.
import type { AntivirusEntry, FirewallEntry, PlatformCollectors, Probe, RegistryEntry } from './types.js';

/** UTF-8 out (names in any language), no progress records, errors stop the script. */
const PRELUDE =
  "$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue'; " +
  '[Console]::OutputEncoding = [System.Text.Encoding]::UTF8; ';

function systemRoot(p: Probe): string {
  return p.host.getenv('SystemRoot') ?? 'C:\\Windows';
}

/** The argv of a PowerShell run: the full path (no PATH lookup), no profile, no prompts. */
export function powershellCommand(root: string, script: string): [string, string[]] {
  return [
    `${root}\\System32\\WindowsPowerShell\\v1.0\\powershell.exe`,
    ['-NoProfile', '-NonInteractive', '-Command', PRELUDE + script],
  ];
}

async function powershell(p: Probe, script: string, stdin?: string): Promise<unknown> {
  const [command, args] = powershellCommand(systemRoot(p), script);
  const r = await p.run(command, args, stdin);
  if (r.code !== 0)
    throw new Error(`PowerShell exited with ${r.code}: ${r.stderr.trim().split(/\r?\n/)[0] ?? ''}`);
  return parseJson(r.stdout);
}

/** ConvertTo-Json's output; a UTF-8 byte order mark that PowerShell 5.1 may write first is dropped. */
export function parseJson(text: string): unknown {
  const t = text.replace(/^\uFEFF/, '').trim();
  if (t === '') return null;
  return JSON.parse(t) as unknown;
}

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

/** ConvertTo-Json writes a one-element pipeline as the element itself: both read as a list. */
function list(v: unknown): unknown[] {
  if (v === null || v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

function str(v: unknown): string {
  return typeof v === 'string' ? v.trim() : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

// --- Operating system and domain -------------------------------------------------------------------

export const OS_SCRIPT =
  '$o = Get-CimInstance -ClassName Win32_OperatingSystem; $c = Get-CimInstance -ClassName Win32_ComputerSystem; ' +
  'ConvertTo-Json -Compress -InputObject ([pscustomobject]@{ Caption = $o.Caption; Version = $o.Version; ' +
  'PartOfDomain = $c.PartOfDomain; Domain = $c.Domain })';

/**
 * Win32_OperatingSystem's Caption and Version ("Microsoft Windows 11 Pro 10.0.22631": the gateway
 * reads the dotted number) and Win32_ComputerSystem's Domain when PartOfDomain (else the workgroup's
 * name is in Domain: not a domain).
 */
export function parseWindowsOs(json: unknown): { version: string; domain: string } {
  const o = record(json);
  if (o === undefined) throw new Error('Win32_OperatingSystem gave nothing');
  const version = [str(o['Caption']), str(o['Version'])].filter((s) => s !== '').join(' ');
  return { version, domain: o['PartOfDomain'] === true ? str(o['Domain']) : '' };
}

function windowsOs(p: Probe): Promise<{ version: string; domain: string }> {
  return p.shared('windows-os', async () => parseWindowsOs(await powershell(p, OS_SCRIPT)));
}

// --- Updates ----------------------------------------------------------------------------------------

export const HOTFIX_SCRIPT =
  'ConvertTo-Json -Compress -InputObject @(Get-HotFix | ForEach-Object { [string]$_.HotFixID })';

/** The asked updates among Get-HotFix's HotFixID values, compared without regard to case ("KB5034441"). */
export function installedUpdates(json: unknown, asked: readonly string[]): string[] {
  const installed = new Set(list(json).map((v) => str(v).toUpperCase()));
  return asked.filter((kb) => kb.trim() !== '' && installed.has(kb.trim().toUpperCase()));
}

// --- Processes and services -------------------------------------------------------------------------

/** "Image Name","PID","Session Name","Session#","Mem Usage": the first column of `tasklist /FO CSV /NH`. */
export function parseTasklistCsv(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^"((?:[^"]|"")*)"/.exec(line.trim());
    if (m) names.add((m[1] ?? '').replace(/""/g, '"').toLowerCase());
  }
  return names;
}

/** An asked process matches its image name without regard to case, written with or without ".exe". */
export function runningWindowsProcesses(asked: readonly string[], running: ReadonlySet<string>): string[] {
  return asked.filter((name) => {
    const n = name.trim().toLowerCase();
    return n !== '' && (running.has(n) || running.has(`${n}.exe`));
  });
}

async function windowsProcesses(p: Probe, asked: readonly string[]): Promise<string[]> {
  // tasklist rather than PowerShell's Get-Process: it starts in a fraction of the time.
  const r = await p.run(`${systemRoot(p)}\\System32\\tasklist.exe`, ['/FO', 'CSV', '/NH']);
  if (r.code !== 0) throw new Error(`tasklist exited with ${r.code}`);
  return runningWindowsProcesses(asked, parseTasklistCsv(r.stdout));
}

export const SERVICES_SCRIPT =
  "ConvertTo-Json -Compress -InputObject @(Get-Service | Where-Object { $_.Status -eq 'Running' } | " +
  'ForEach-Object { [pscustomobject]@{ Name = $_.Name; DisplayName = $_.DisplayName } })';

/** Running services (Get-Service, Status Running); an asked one matches its Name or DisplayName, any case. */
export function runningWindowsServices(json: unknown, asked: readonly string[]): string[] {
  const running = new Set<string>();
  for (const s of list(json)) {
    const o = record(s);
    if (o === undefined) continue;
    for (const k of ['Name', 'DisplayName']) {
      const v = str(o[k]).toLowerCase();
      if (v !== '') running.add(v);
    }
  }
  return asked.filter((name) => name.trim() !== '' && running.has(name.trim().toLowerCase()));
}

// --- Registry ---------------------------------------------------------------------------------------

const HIVES: Record<string, string> = {
  HKLM: 'HKEY_LOCAL_MACHINE',
  HKEY_LOCAL_MACHINE: 'HKEY_LOCAL_MACHINE',
  HKCU: 'HKEY_CURRENT_USER',
  HKEY_CURRENT_USER: 'HKEY_CURRENT_USER',
  HKCR: 'HKEY_CLASSES_ROOT',
  HKEY_CLASSES_ROOT: 'HKEY_CLASSES_ROOT',
  HKU: 'HKEY_USERS',
  HKEY_USERS: 'HKEY_USERS',
  HKCC: 'HKEY_CURRENT_CONFIG',
  HKEY_CURRENT_CONFIG: 'HKEY_CURRENT_CONFIG',
};

/**
 * `HKLM\SOFTWARE\Policies\...\Name` (the request's form: the key's path, then the value's name) as
 * the provider path of the key and the value's name; "HKLM:" with a colon is read too. Undefined for
 * an unknown hive or a bare hive.
 */
export function parseRegistryKey(key: string): { path: string; name: string } | undefined {
  const parts = key.trim().replace(/\//g, '\\').split('\\');
  const hive = HIVES[(parts[0] ?? '').replace(/:$/, '').toUpperCase()];
  if (hive === undefined || parts.length < 3) return undefined;
  const name = parts[parts.length - 1] ?? '';
  const path = [hive, ...parts.slice(1, -1)].filter((s) => s !== '').join('\\');
  return { path, name };
}

/**
 * Reads, for each {i, path, name} of stdin, the value `name` of the key `path` on the Registry
 * provider (RegistryKey.GetValue: REG_EXPAND_SZ comes expanded); "(default)" or an empty name is the
 * key's default value. A missing key or value is left out.
 */
export const REGISTRY_SCRIPT =
  '$asked = [Console]::In.ReadToEnd() | ConvertFrom-Json; ' +
  '$found = foreach ($k in @($asked)) { try { ' +
  "$n = if ($k.name -eq '(default)') { '' } else { [string]$k.name }; " +
  "$key = Get-Item -LiteralPath ('Registry::' + $k.path); " +
  'if ($key.GetValueNames() -contains $n) { [pscustomobject]@{ i = $k.i; value = $key.GetValue($n) } } ' +
  '} catch { } }; ' +
  'ConvertTo-Json -Compress -Depth 3 -InputObject @($found)';

/** A registry value as text: REG_SZ as it is, DWORD/QWORD in decimal, MULTI_SZ one a line, BINARY in hex. */
export function registryValueText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) {
    if (v.every((b) => typeof b === 'number' && Number.isInteger(b) && b >= 0 && b <= 255)) {
      return (v as number[]).map((b) => b.toString(16).padStart(2, '0')).join('');
    }
    return v.map((x) => registryValueText(x)).join('\n');
  }
  return '';
}

export function registryRequest(asked: readonly string[]): { i: number; path: string; name: string }[] {
  return asked.flatMap((key, i) => {
    const parsed = parseRegistryKey(key);
    return parsed === undefined ? [] : [{ i, ...parsed }];
  });
}

export function registryFound(json: unknown, asked: readonly string[]): RegistryEntry[] {
  const found: RegistryEntry[] = [];
  for (const item of list(json)) {
    const o = record(item);
    const i = num(o?.['i']);
    const key = i === undefined ? undefined : asked[i];
    if (o === undefined || key === undefined) continue;
    found.push({ key, value: registryValueText(o['value']) });
  }
  return found;
}

async function registry(p: Probe, asked: readonly string[]): Promise<RegistryEntry[]> {
  const request = registryRequest(asked);
  for (const key of asked) {
    if (parseRegistryKey(key) === undefined)
      p.note('reg_key_list', `${JSON.stringify(key)} is no registry value's path`);
  }
  if (request.length === 0) return [];
  return registryFound(await powershell(p, REGISTRY_SCRIPT, JSON.stringify(request)), asked);
}

// --- Security Center products -----------------------------------------------------------------------

/**
 * `productState` of root/SecurityCenter2's AntiVirusProduct and FirewallProduct. Microsoft does not
 * document it; the layout used here is the one reverse-engineered and used widely (neophob.com
 * "WMI query Windows SecurityCenter2", 2010; Idera PowerTips "Identifying Antivirus Engine State",
 * 2020; stackoverflow.com/questions/4700897), e.g. 397568 = 0x061100 (Defender on, up to date):
 *   bits 16-23  the WSC_SECURITY_PROVIDER flags (1 firewall, 2 auto-update, 4 antivirus, 8 antispyware);
 *   bits 12-15  the scanner: 0 off, 1 on, 2 snoozed, 3 expired (only 1 counts as active);
 *   bits 8-11   the owner: 1 Windows (Microsoft's own product), 0 another vendor;
 *   bits 4-7    the signatures: 0 up to date, 1 out of date.
 */
export interface ProductState {
  providers: number;
  scanner: 'off' | 'on' | 'snoozed' | 'expired' | 'unknown';
  byWindows: boolean;
  signaturesUpToDate: boolean;
}

const SCANNER = ['off', 'on', 'snoozed', 'expired'] as const;

export function decodeProductState(state: number): ProductState {
  return {
    providers: (state >>> 16) & 0xff,
    scanner: SCANNER[(state >>> 12) & 0xf] ?? 'unknown',
    byWindows: ((state >>> 8) & 0xf) === 1,
    signaturesUpToDate: ((state >>> 4) & 0xf) === 0,
  };
}

/** Security Center's products of a class with the version of the product's signed executable. */
function securityCenterPart(className: string): string {
  return (
    `try { $r.wsc = @(Get-CimInstance -Namespace root/SecurityCenter2 -ClassName ${className} | ForEach-Object { ` +
    "$v = ''; $x = [Environment]::ExpandEnvironmentVariables([string]$_.pathToSignedProductExe); " +
    'if ($x -and (Test-Path -LiteralPath $x -PathType Leaf)) { $v = [string](Get-Item -LiteralPath $x).VersionInfo.ProductVersion }; ' +
    '[pscustomobject]@{ displayName = $_.displayName; productState = $_.productState; version = $v } }) } catch { }; '
  );
}

/**
 * Security Center's antivirus products (client editions only: Windows Server has no SecurityCenter2)
 * and Microsoft Defender's own status (Get-MpComputerStatus: versions and ages in days).
 */
export const ANTIVIRUS_SCRIPT =
  '$r = [ordered]@{ wsc = $null; defender = $null }; ' +
  securityCenterPart('AntiVirusProduct') +
  'try { $m = Get-MpComputerStatus; $r.defender = [pscustomobject]@{ AMServiceEnabled = $m.AMServiceEnabled; ' +
  'AntivirusEnabled = $m.AntivirusEnabled; RealTimeProtectionEnabled = $m.RealTimeProtectionEnabled; ' +
  'AMProductVersion = $m.AMProductVersion; AntivirusSignatureAge = $m.AntivirusSignatureAge; ' +
  'QuickScanAge = $m.QuickScanAge; FullScanAge = $m.FullScanAge } } catch { }; ' +
  'ConvertTo-Json -Compress -Depth 4 -InputObject $r';

/** Defender's ages are UInt32 days; never (no update, no scan) reads as a huge number (65535, 4294967295). */
const AGE_NEVER = 36_500;

function age(v: unknown): number | null {
  const n = num(v);
  return n === undefined || n < 0 || n >= AGE_NEVER ? null : Math.floor(n);
}

function minAge(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

const DEFENDER_NAME = 'Microsoft Defender Antivirus';

/**
 * One entry per Security Center antivirus product: active when productState's scanner is on, the
 * version of its signed executable. Microsoft Defender's entry (named "Windows Defender" there) takes
 * its version and ages from Get-MpComputerStatus: last_update AntivirusSignatureAge, last_scan the
 * younger of QuickScanAge and FullScanAge. Other products tell no ages through Security Center: null.
 * Without Security Center (Windows Server) Defender's status alone makes its entry.
 */
export function parseWindowsAntivirus(json: unknown): AntivirusEntry[] {
  const r = record(json);
  if (r === undefined || (r['wsc'] == null && r['defender'] == null)) {
    throw new Error('neither Security Center nor Microsoft Defender answered');
  }
  const d = record(r['defender']);
  const defender = d && {
    active:
      d['AMServiceEnabled'] === true &&
      d['AntivirusEnabled'] === true &&
      d['RealTimeProtectionEnabled'] === true,
    version: str(d['AMProductVersion']),
    last_update: age(d['AntivirusSignatureAge']),
    last_scan: minAge(age(d['QuickScanAge']), age(d['FullScanAge'])),
  };
  if (r['wsc'] == null) return defender ? [{ name: DEFENDER_NAME, ...defender }] : [];
  return list(r['wsc']).flatMap((item): AntivirusEntry[] => {
    const o = record(item);
    if (o === undefined) return [];
    const name = str(o['displayName']);
    const state = num(o['productState']);
    const active = state !== undefined && decodeProductState(state).scanner === 'on';
    if (defender && /defender/i.test(name)) {
      return [{ ...defender, active, name, version: defender.version || str(o['version']) }];
    }
    return [{ active, name, version: str(o['version']), last_update: null, last_scan: null }];
  });
}

/** Security Center's firewall products (other vendors') and Windows' own firewall profiles. */
export const FIREWALL_SCRIPT =
  '$r = [ordered]@{ wsc = $null; profiles = $null }; ' +
  securityCenterPart('FirewallProduct') +
  'try { $r.profiles = @(Get-NetFirewallProfile -PolicyStore ActiveStore | ForEach-Object { ' +
  '[pscustomobject]@{ Name = [string]$_.Name; Enabled = [string]$_.Enabled } }) } catch { }; ' +
  'ConvertTo-Json -Compress -Depth 4 -InputObject $r';

const WINDOWS_FIREWALL = 'Windows Defender Firewall';

/**
 * Windows Defender Firewall (Get-NetFirewallProfile on the active store; active when every profile,
 * Domain, Private and Public, is enabled: whichever network the machine is on is then filtered; its
 * version is not told: ""), then one entry per Security Center firewall product, active by productState.
 */
export function parseWindowsFirewall(json: unknown): FirewallEntry[] {
  const r = record(json);
  if (r === undefined || (r['wsc'] == null && r['profiles'] == null)) {
    throw new Error('neither Security Center nor the firewall profiles answered');
  }
  const entries: FirewallEntry[] = [];
  if (r['profiles'] != null) {
    const profiles = list(r['profiles']).map((x) => str(record(x)?.['Enabled']).toLowerCase());
    entries.push({
      active: profiles.length > 0 && profiles.every((e) => e === 'true'),
      name: WINDOWS_FIREWALL,
      version: '',
    });
  }
  for (const item of list(r['wsc'])) {
    const o = record(item);
    if (o === undefined) continue;
    const state = num(o['productState']);
    entries.push({
      active: state !== undefined && decodeProductState(state).scanner === 'on',
      name: str(o['displayName']),
      version: str(o['version']),
    });
  }
  return entries;
}

export const windowsCollectors: PlatformCollectors = {
  osType: 'Windows',
  where: 'on Windows',
  osVersion: async (p) => (await windowsOs(p)).version,
  domain: async (p) => (await windowsOs(p)).domain,
  kbList: async (p, asked) => installedUpdates(await powershell(p, HOTFIX_SCRIPT), asked),
  processes: windowsProcesses,
  services: async (p, asked) => runningWindowsServices(await powershell(p, SERVICES_SCRIPT), asked),
  registry,
  antivirus: async (p) => parseWindowsAntivirus(await powershell(p, ANTIVIRUS_SCRIPT)),
  firewall: async (p) => parseWindowsFirewall(await powershell(p, FIREWALL_SCRIPT)),
};
