import { parseClientMessage, ZTNA_KEYWORDS } from '@kordon/protocol';
import { describe, expect, it } from 'vitest';
import { collectPosture } from './collect.js';
import {
  CommandNotFound,
  CommandTimedOut,
  type CommandResult,
  type PostureHost,
  type RunOptions,
} from './host.js';
import type { PostureLog, PostureRequest } from './types.js';

type Reply = CommandResult | 'hang' | 'never';

/** A machine made of maps: files, folders, and programs that answer by their argv. */
class FakeHost implements PostureHost {
  readonly runs: string[] = [];
  readonly reads: string[] = [];
  files = new Map<string, string>();
  dirs = new Map<string, string[]>();
  env = new Map<string, string>();
  programs = new Map<string, (args: readonly string[], stdin: string | undefined) => Reply>();
  /** A path whose reading never ends. */
  stuckFiles = new Set<string>();

  constructor(
    readonly platform: NodeJS.Platform,
    private readonly clock = Date.UTC(2024, 11, 10, 12, 0, 0),
  ) {}

  hostname(): string {
    return 'ws-042';
  }
  now(): number {
    return this.clock + (Date.now() - this.started);
  }
  private readonly started = Date.now();
  getenv(name: string): string | undefined {
    return this.env.get(name);
  }
  readFile(path: string): Promise<string> {
    this.reads.push(path);
    if (this.stuckFiles.has(path)) return new Promise(() => undefined);
    const text = this.files.get(path);
    return text === undefined ? Promise.reject(new Error(`ENOENT: ${path}`)) : Promise.resolve(text);
  }
  async readFilePart(path: string, bytes: number, from: 'start' | 'end'): Promise<string> {
    const text = await this.readFile(path);
    return from === 'start' ? text.slice(0, bytes) : text.slice(-bytes);
  }
  listDir(path: string): Promise<string[]> {
    const entries = this.dirs.get(path);
    return entries === undefined ? Promise.reject(new Error(`ENOENT: ${path}`)) : Promise.resolve(entries);
  }
  exists(path: string): Promise<boolean> {
    return Promise.resolve(this.files.has(path) || this.dirs.has(path));
  }
  run(command: string, args: readonly string[], options: RunOptions): Promise<CommandResult> {
    this.runs.push([command, ...args].join(' '));
    const program = this.programs.get(command);
    if (program === undefined) return Promise.reject(new CommandNotFound(command));
    const reply = program(args, options.stdin);
    if (reply === 'never') return new Promise(() => undefined);
    if (reply === 'hang') {
      return new Promise((_, reject) => {
        setTimeout(() => {
          reject(new CommandTimedOut(command, options.timeoutMs));
        }, options.timeoutMs);
      });
    }
    return Promise.resolve(reply);
  }

  answer(
    command: string,
    reply: Reply | ((args: readonly string[], stdin: string | undefined) => Reply),
  ): this {
    this.programs.set(command, typeof reply === 'function' ? reply : () => reply);
    return this;
  }
}

const ok = (stdout: string, code = 0): CommandResult => ({ code, stdout, stderr: '' });
const DAY = 86_400_000;

function request(test_list: readonly string[], lists: Partial<PostureRequest> = {}): PostureRequest {
  return { test_list, kb_list: [], proc_list: [], service_list: [], reg_key_list: [], ...lists };
}

function recorder(): { log: PostureLog; lines: string[] } {
  const lines: string[] = [];
  return { lines, log: (level, message) => lines.push(`${level}: ${message}`) };
}

/** The report is a valid `ztna` message (client-messages.ts): the contract, field by field. */
function expectValid(report: object): void {
  const parsed = parseClientMessage(JSON.stringify({ type: 'ztna', ...report }));
  expect(parsed.ok, JSON.stringify(parsed)).toBe(true);
}

/** ctime(3) in local time, as clamd writes it: "Sun Dec  8 11:00:00 2024". */
function ctime(t: number): string {
  const d = new Date(t);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const two = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getDay()]} ${months[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${d.getFullYear()}`;
}

function cvdHeader(builtAt: number): string {
  return `ClamAV-VDB:01 Dec 2024 09-35 +0000:27474:2070000:90:X:X:builder:${Math.floor(builtAt / 1000)}`.padEnd(
    512,
  );
}

/** A Debian machine with systemd, nftables and ufw, ClamAV's daemon running. */
function linuxHost(): FakeHost {
  const host = new FakeHost('linux');
  const now = host.now();
  host.files.set(
    '/etc/os-release',
    'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\n',
  );
  host.files.set('/etc/krb5.conf', '[libdefaults]\n  default_realm = CORP.EXAMPLE\n');
  host.files.set('/etc/krb5.keytab', '');
  host.dirs.set('/proc', ['1', '42', '77', 'self', 'sys', '99']);
  host.files.set('/proc/1/comm', 'systemd\n');
  host.files.set('/proc/42/comm', 'kordon-posture-\n');
  host.files.set('/proc/77/comm', 'clamd\n');
  host.dirs.set('/run/systemd/system', []);
  host.files.set('/var/lib/clamav/daily.cld', cvdHeader(now - 2.5 * DAY));
  host.files.set('/var/lib/clamav/daily.cvd', cvdHeader(now - 9.5 * DAY));
  host.dirs.set('/var/log/clamav', ['clamav.log', 'freshclam.log']);
  const scanned = new Date(now - 3.2 * DAY);
  const pad = (n: number) => String(n).padStart(2, '0');
  host.files.set(
    '/var/log/clamav/clamav.log',
    `End Date:   ${scanned.getFullYear()}:${pad(scanned.getMonth() + 1)}:${pad(scanned.getDate())} ` +
      `${pad(scanned.getHours())}:${pad(scanned.getMinutes())}:${pad(scanned.getSeconds())}\n`,
  );
  host.answer(
    'systemctl',
    ok('cron.service loaded active running Cron\nssh.service loaded active running OpenSSH\n'),
  );
  host.answer('nft', (args) =>
    args[0] === '--version'
      ? ok('nftables v1.0.6 (Lester Gooch #5)\n')
      : ok(
          'table inet filter {\n\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n\t}\n}\n',
        ),
  );
  host.answer('ufw', (args) =>
    args[0] === '--version' ? ok('ufw 0.36.2\nCopyright\n') : ok('Status: inactive\n'),
  );
  host.answer('clamscan', ok('ClamAV 1.0.7/27474/Sun Dec  1 09:35:02 2024\n'));
  return host;
}

const ALL = [...ZTNA_KEYWORDS];

describe('collectPosture on Linux (fakes)', () => {
  it('reports every asked field as PROTOCOL.md has it', async () => {
    const host = linuxHost();
    const { log, lines } = recorder();
    const report = await collectPosture(
      request(ALL, {
        kb_list: ['KB5034441'],
        proc_list: ['kordon-posture-test-process', 'systemd', 'osqueryd'],
        service_list: ['ssh', 'sshd', 'cron.service'],
        reg_key_list: ['HKLM\\SOFTWARE\\X\\Y'],
      }),
      { host, log },
    );
    expect(report).toEqual({
      node_name: 'ws-042',
      operation_system: { type: 'Linux', version: 'Debian GNU/Linux 12 (bookworm)', domain: 'CORP.EXAMPLE' },
      antivirus: [{ active: true, name: 'ClamAV', version: '1.0.7', last_update: 2, last_scan: 3 }],
      firewall: [
        { active: true, name: 'nftables', version: '1.0.6' },
        { active: false, name: 'ufw', version: '0.36.2' },
      ],
      proc_list: ['kordon-posture-test-process', 'systemd'],
      service_list: ['ssh', 'cron.service'],
    });
    expectValid(report);
    // Windows' checks are not made up on Linux: left out, and said once.
    expect(lines).toContain('info: posture: kb_list is not checked on Linux');
    expect(lines).toContain('info: posture: reg_key_list is not checked on Linux');
    expect(host.reads).not.toContain('/var/log/clamav/freshclam.log');
  });

  it('collects only what is asked', async () => {
    const host = linuxHost();
    const report = await collectPosture(request(['processes'], { proc_list: ['systemd'] }), { host });
    expect(report).toEqual({ node_name: 'ws-042', proc_list: ['systemd'] });
    expect(host.runs).toEqual([]);
    expect(host.reads.every((r) => r.startsWith('/proc/'))).toBe(true);

    const none = await collectPosture(request([]), { host });
    expect(none).toEqual({ node_name: 'ws-042' });
  });

  it('leaves the parts of an entry that were not asked as not checked', async () => {
    const host = linuxHost();
    const report = await collectPosture(request(['av_name', 'fw_version', 'domain']), { host });
    expect(report).toEqual({
      node_name: 'ws-042',
      operation_system: { type: '', version: '', domain: 'CORP.EXAMPLE' },
      antivirus: [{ active: false, name: 'ClamAV', version: '', last_update: null, last_scan: null }],
      firewall: [
        { active: false, name: '', version: '1.0.6' },
        { active: false, name: '', version: '0.36.2' },
      ],
    });
    expect(host.runs).not.toContain('nft list ruleset');
    expect(host.runs).not.toContain('ufw status');
    expectValid(report);
  });

  it('trims keywords and ignores unknown ones, saying so once per log', async () => {
    const host = linuxHost();
    const { log, lines } = recorder();
    const asked = request([' av_update', 'os_type ', 'teleport'], {});
    const first = await collectPosture(asked, { host, log });
    await collectPosture(asked, { host, log });
    expect(first.operation_system?.type).toBe('Linux');
    expect(first.antivirus?.[0]?.last_update).toBe(2);
    expect(lines.filter((l) => l.includes('teleport'))).toEqual([
      'info: posture: the check "teleport" is unknown to this client; ignored',
    ]);
  });

  it('a program that hangs is cut at the time limit: its field is not checked, the others are', async () => {
    const host = linuxHost();
    host.answer('nft', 'hang');
    const { log, lines } = recorder();
    const started = Date.now();
    const report = await collectPosture(
      request(['fw_active', 'os_version', 'processes'], { proc_list: ['clamd'] }),
      {
        host,
        log,
        timeLimitMs: 200,
      },
    );
    expect(Date.now() - started).toBeLessThan(1200);
    expect(report.firewall).toBeUndefined();
    expect(report.operation_system?.version).toBe('Debian GNU/Linux 12 (bookworm)');
    expect(report.proc_list).toEqual(['clamd']);
    expect(lines).toContain('warn: posture: firewall not checked: nft did not finish within 0.2 s');
  });

  it('work that never ends at all is cut too, and said once until it works again', async () => {
    const host = linuxHost();
    host.stuckFiles.add('/etc/os-release');
    const { log, lines } = recorder();
    const ask = request(['os_version', 'os_type']);
    for (let i = 0; i < 2; i++) {
      const started = Date.now();
      const report = await collectPosture(ask, { host, log, timeLimitMs: 100 });
      expect(Date.now() - started).toBeLessThan(1100);
      expect(report.operation_system).toEqual({ type: 'Linux', version: '', domain: '' });
    }
    const said = 'warn: posture: os_version not checked: did not finish within 0.1 s';
    expect(lines.filter((l) => l === said)).toHaveLength(1);
    host.stuckFiles.clear();
    expect((await collectPosture(ask, { host, log, timeLimitMs: 100 })).operation_system?.version).not.toBe(
      '',
    );
    host.stuckFiles.add('/etc/os-release');
    await collectPosture(ask, { host, log, timeLimitMs: 100 });
    expect(lines.filter((l) => l === said)).toHaveLength(2);
  });

  it('a failing collector leaves its field not checked, and never a list that says "none"', async () => {
    const host = linuxHost();
    host.files.delete('/etc/os-release');
    host.dirs.delete('/proc');
    host.dirs.delete('/run/systemd/system');
    const { log, lines } = recorder();
    const report = await collectPosture(
      request(['os_version', 'processes', 'services'], { proc_list: ['x'] }),
      {
        host,
        log,
      },
    );
    expect(report).toEqual({ node_name: 'ws-042', operation_system: { type: '', version: '', domain: '' } });
    expect(lines).toContain('warn: posture: service_list not checked: systemd does not run this machine');
    expect(lines.some((l) => l.startsWith('warn: posture: proc_list not checked: ENOENT'))).toBe(true);
    expectValid(report);
  });

  it('no ClamAV: no antivirus entry; no scan in its logs: last_scan null; no database: last_update null', async () => {
    const host = linuxHost();
    host.programs.delete('clamscan');
    host.files.delete('/proc/77/comm');
    expect((await collectPosture(request(['av_active', 'av_name']), { host })).antivirus).toEqual([]);

    const installed = linuxHost();
    installed.files.set(
      '/var/log/clamav/clamav.log',
      'Tue Dec  3 09:00:00 2024 -> SelfCheck: Database status OK.\n',
    );
    installed.files.delete('/var/lib/clamav/daily.cld');
    installed.files.delete('/var/lib/clamav/daily.cvd');
    installed.answer('clamscan', ok('ClamAV 1.0.7\n'));
    const { log, lines } = recorder();
    const report = await collectPosture(request(['av_update', 'av_scan', 'av_version']), {
      host: installed,
      log,
    });
    expect(report.antivirus).toEqual([
      { active: false, name: '', version: '1.0.7', last_update: null, last_scan: null },
    ]);
    expect(lines).toContain('warn: posture: antivirus: no ClamAV database header could be read');
  });

  it('reads ClamAV paths from its configuration and falls back to the version line for the signatures', async () => {
    const host = linuxHost();
    host.files.delete('/var/lib/clamav/daily.cld');
    host.files.delete('/var/lib/clamav/daily.cvd');
    host.files.set('/etc/clamav/clamd.conf', 'DatabaseDirectory /srv/clam\nLogFile /srv/log/scan.log\n');
    host.files.set('/srv/clam/daily.cvd', cvdHeader(host.now() - 5.5 * DAY));
    host.files.set('/srv/log/scan.log', `${ctime(host.now() - 2.5 * DAY)} -> /home/a/x: Eicar FOUND\n`);
    host.dirs.delete('/var/log/clamav');
    const report = await collectPosture(request(['av_update', 'av_scan']), { host });
    expect(report.antivirus?.[0]).toMatchObject({ last_update: 5, last_scan: 2 });

    host.files.delete('/srv/clam/daily.cvd');
    const fallback = await collectPosture(request(['av_update']), { host });
    const line = new Date(2024, 11, 1, 9, 35, 2).getTime();
    expect(fallback.antivirus?.[0]?.last_update).toBe(Math.floor((host.now() - line) / DAY));
  });

  it('firewall: one entry per product installed; an unreadable state is inactive and said', async () => {
    const host = linuxHost();
    host.programs.delete('ufw');
    host.answer('nft', (args) =>
      args[0] === '--version'
        ? ok('nftables v1.0.6\n')
        : { code: 1, stdout: '', stderr: 'Operation not permitted\n' },
    );
    host.answer('firewall-cmd', (args) => (args[0] === '--version' ? ok('1.3.4\n') : ok('running\n')));
    const { log, lines } = recorder();
    const report = await collectPosture(request(['fw_active', 'fw_name', 'fw_version']), { host, log });
    expect(report.firewall).toEqual([
      { active: false, name: 'nftables', version: '1.0.6' },
      { active: true, name: 'firewalld', version: '1.3.4' },
    ]);
    expect(lines).toContain('warn: posture: firewall: nft list ruleset: Operation not permitted');
    expect(lines).toContain('warn: posture: firewall: could not tell whether nftables is active');
  });

  it('not a member of a domain: an empty domain', async () => {
    const host = linuxHost();
    host.files.delete('/etc/krb5.keytab');
    expect((await collectPosture(request(['domain']), { host })).operation_system?.domain).toBe('');
  });
});

describe('collectPosture on Windows (fakes)', () => {
  function windowsHost(): FakeHost {
    const host = new FakeHost('win32');
    host.env.set('SystemRoot', 'C:\\WINDOWS');
    const ps = 'C:\\WINDOWS\\System32\\WindowsPowerShell\\v1.0\\powershell.exe';
    host.answer(ps, (args, stdin) => {
      const script = args[3] ?? '';
      if (script.includes('Win32_OperatingSystem')) {
        return ok(
          '\uFEFF{"Caption":"Microsoft Windows 11 Pro","Version":"10.0.22631","PartOfDomain":true,"Domain":"corp.example"}\r\n',
        );
      }
      if (script.includes('Get-HotFix')) return ok('["KB5034441","KB5031455"]');
      if (script.includes('Get-Service')) return ok('[{"Name":"sshd","DisplayName":"OpenSSH SSH Server"}]');
      if (script.includes('AntiVirusProduct')) {
        return ok(
          JSON.stringify({
            wsc: { displayName: 'Windows Defender', productState: 397568, version: '' },
            defender: {
              AMServiceEnabled: true,
              AntivirusEnabled: true,
              RealTimeProtectionEnabled: true,
              AMProductVersion: '4.18.24090.11',
              AntivirusSignatureAge: 0,
              QuickScanAge: 2,
              FullScanAge: 10,
            },
          }),
        );
      }
      if (script.includes('FirewallProduct')) {
        return ok(
          '{"wsc":[],"profiles":[{"Name":"Domain","Enabled":"True"},{"Name":"Private","Enabled":"True"},{"Name":"Public","Enabled":"True"}]}',
        );
      }
      if (script.includes('GetValueNames')) {
        const asked = JSON.parse(stdin ?? '[]') as { i: number; name: string }[];
        return ok(
          JSON.stringify(asked.filter((k) => k.name === 'Enabled').map((k) => ({ i: k.i, value: 1 }))),
        );
      }
      return { code: 1, stdout: '', stderr: 'unexpected script' };
    });
    host.answer(
      'C:\\WINDOWS\\System32\\tasklist.exe',
      ok('"System","4","Services","0","1 K"\r\n"osqueryd.exe","42","Services","0","9 K"\r\n'),
    );
    return host;
  }

  it('assembles the report from PowerShell and tasklist', async () => {
    const host = windowsHost();
    const report = await collectPosture(
      request(ALL, {
        kb_list: ['KB5034441', 'KB1'],
        proc_list: ['osqueryd', 'nope'],
        service_list: ['sshd', 'W32Time'],
        reg_key_list: ['HKLM\\SOFTWARE\\Kordon\\Enabled', 'HKLM\\SOFTWARE\\Kordon\\Missing'],
      }),
      { host },
    );
    expect(report).toEqual({
      node_name: 'ws-042',
      operation_system: {
        type: 'Windows',
        version: 'Microsoft Windows 11 Pro 10.0.22631',
        domain: 'corp.example',
      },
      kb_list: ['KB5034441'],
      antivirus: [
        { active: true, name: 'Windows Defender', version: '4.18.24090.11', last_update: 0, last_scan: 2 },
      ],
      firewall: [{ active: true, name: 'Windows Defender Firewall', version: '' }],
      proc_list: ['osqueryd'],
      service_list: ['sshd'],
      reg_key_list: [{ key: 'HKLM\\SOFTWARE\\Kordon\\Enabled', value: '1' }],
    });
    expectValid(report);
    // The OS facts are asked once for the version and the domain; the request's names never reach argv.
    expect(host.runs.filter((r) => r.includes('Win32_OperatingSystem'))).toHaveLength(1);
    expect(
      host.runs.some((r) => r.includes('Kordon') || r.includes('osqueryd') || r.includes('KB5034441')),
    ).toBe(false);
  });

  it('a PowerShell that fails leaves its field out', async () => {
    const host = windowsHost();
    host.answer('C:\\WINDOWS\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', {
      code: 1,
      stdout: '',
      stderr: 'Get-CimInstance : Invalid namespace\r\nmore',
    });
    const { log, lines } = recorder();
    const report = await collectPosture(request(['av_active', 'kb_list'], { kb_list: ['KB1'] }), {
      host,
      log,
    });
    expect(report).toEqual({ node_name: 'ws-042' });
    expect(lines).toContain(
      'warn: posture: antivirus not checked: PowerShell exited with 1: Get-CimInstance : Invalid namespace',
    );
  });
});

describe('collectPosture on macOS (fakes)', () => {
  it('OS, processes and antivirus; no services, updates or registry', async () => {
    const host = new FakeHost('darwin');
    host.answer(
      '/usr/bin/sw_vers',
      ok('ProductName:\tmacOS\nProductVersion:\t14.2.1\nBuildVersion:\t23C71\n'),
    );
    host.answer('/usr/sbin/dsconfigad', ok(''));
    host.answer('/bin/ps', ok('COMM\nlaunchd\nwdavdaemon\n'));
    host.answer('/usr/bin/plutil', (args) =>
      ok(String(args[5]).includes('Defender') ? '101.24092.0004\n' : '5287\n'),
    );
    host.dirs.set('/Applications/Microsoft Defender.app', []);
    host.dirs.set('/Library/Apple/System/Library/CoreServices/XProtect.bundle', []);
    const report = await collectPosture(
      request(
        ['os_type', 'os_version', 'domain', 'processes', 'services', 'av_active', 'av_name', 'av_version'],
        {
          proc_list: ['wdavdaemon', 'sshd'],
          service_list: ['x'],
        },
      ),
      { host },
    );
    expect(report).toEqual({
      node_name: 'ws-042',
      operation_system: { type: 'MacOS', version: 'macOS 14.2.1', domain: '' },
      antivirus: [
        { active: true, name: 'XProtect', version: '5287', last_update: null, last_scan: null },
        {
          active: true,
          name: 'Microsoft Defender',
          version: '101.24092.0004',
          last_update: null,
          last_scan: null,
        },
      ],
      proc_list: ['wdavdaemon'],
    });
    expect(host.runs.filter((r) => r.startsWith('/bin/ps'))).toHaveLength(1);
    expectValid(report);
  });
});

describe('collectPosture elsewhere', () => {
  it('an unknown platform checks nothing but says so', async () => {
    const host = new FakeHost('freebsd');
    const { log, lines } = recorder();
    const report = await collectPosture(
      request(['os_type', 'os_version', 'processes'], { proc_list: ['x'] }),
      {
        host,
        log,
      },
    );
    expect(report).toEqual({ node_name: 'ws-042', operation_system: { type: '', version: '', domain: '' } });
    expect(lines).toContain('info: posture: os_version is not checked on freebsd');
  });
});
