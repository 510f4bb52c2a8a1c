// Outputs written from the documented shapes: the CIM classes Win32_OperatingSystem,
// Win32_ComputerSystem, root/SecurityCenter2 AntiVirusProduct and FirewallProduct, the cmdlets
// Get-HotFix, Get-Service, Get-MpComputerStatus, Get-NetFirewallProfile, as the scripts' ConvertTo-Json
// prints them, and `tasklist /FO CSV /NH`.
import { describe, expect, it } from 'vitest';
import {
  ANTIVIRUS_SCRIPT,
  decodeProductState,
  FIREWALL_SCRIPT,
  HOTFIX_SCRIPT,
  installedUpdates,
  OS_SCRIPT,
  parseJson,
  parseRegistryKey,
  parseTasklistCsv,
  parseWindowsAntivirus,
  parseWindowsFirewall,
  parseWindowsOs,
  powershellCommand,
  REGISTRY_SCRIPT,
  registryFound,
  registryRequest,
  registryValueText,
  runningWindowsProcesses,
  runningWindowsServices,
  SERVICES_SCRIPT,
} from './windows.js';

describe('the PowerShell command line', () => {
  it('is an argv: the full path, no profile, not interactive, a fixed script', () => {
    const [command, args] = powershellCommand('C:\\Windows', OS_SCRIPT);
    expect(command).toBe('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
    expect(args.slice(0, 3)).toEqual(['-NoProfile', '-NonInteractive', '-Command']);
    expect(args).toHaveLength(4);
    expect(args[3]).toContain(OS_SCRIPT);
    expect(args[3]).toContain("$ErrorActionPreference = 'Stop'");
  });

  it('scripts use CIM and the documented cmdlets, and print JSON', () => {
    expect(ANTIVIRUS_SCRIPT).toContain('-Namespace root/SecurityCenter2 -ClassName AntiVirusProduct');
    expect(ANTIVIRUS_SCRIPT).toContain('Get-MpComputerStatus');
    expect(FIREWALL_SCRIPT).toContain('-ClassName FirewallProduct');
    expect(FIREWALL_SCRIPT).toContain('Get-NetFirewallProfile');
    expect(HOTFIX_SCRIPT).toContain('Get-HotFix');
    expect(SERVICES_SCRIPT).toContain('Get-Service');
    expect(REGISTRY_SCRIPT).toContain('[Console]::In.ReadToEnd()');
    for (const s of [
      OS_SCRIPT,
      ANTIVIRUS_SCRIPT,
      FIREWALL_SCRIPT,
      HOTFIX_SCRIPT,
      SERVICES_SCRIPT,
      REGISTRY_SCRIPT,
    ]) {
      expect(s).toContain('ConvertTo-Json -Compress');
    }
  });

  it('reads JSON after a byte order mark, and nothing as null', () => {
    expect(parseJson('\uFEFF{"a":1}\r\n')).toEqual({ a: 1 });
    expect(parseJson('  \r\n')).toBeNull();
  });
});

describe('productState (SecurityCenter2)', () => {
  it('decodes the layout: providers, scanner, owner, signatures', () => {
    // Windows Defender on, up to date: 0x061100.
    expect(decodeProductState(397568)).toEqual({
      providers: 0x06,
      scanner: 'on',
      byWindows: true,
      signaturesUpToDate: true,
    });
    expect(decodeProductState(393472).scanner).toBe('off'); // 0x060100
    expect(decodeProductState(397584)).toMatchObject({ scanner: 'on', signaturesUpToDate: false }); // 0x061110
    expect(decodeProductState(266240)).toMatchObject({ providers: 4, scanner: 'on', byWindows: false }); // 0x041000
    expect(decodeProductState(0x042000).scanner).toBe('snoozed');
    expect(decodeProductState(0x043000).scanner).toBe('expired');
    expect(decodeProductState(0x04f000).scanner).toBe('unknown');
  });
});

describe('operating system and updates', () => {
  it('joins Caption and Version; the domain only when PartOfDomain', () => {
    expect(
      parseWindowsOs({
        Caption: 'Microsoft Windows 11 Pro',
        Version: '10.0.22631',
        PartOfDomain: true,
        Domain: 'corp.example',
      }),
    ).toEqual({ version: 'Microsoft Windows 11 Pro 10.0.22631', domain: 'corp.example' });
    expect(
      parseWindowsOs({
        Caption: 'Microsoft Windows 10 Home ',
        Version: '10.0.19045',
        PartOfDomain: false,
        Domain: 'WORKGROUP',
      }),
    ).toEqual({ version: 'Microsoft Windows 10 Home 10.0.19045', domain: '' });
    expect(() => parseWindowsOs(null)).toThrow(/nothing/);
  });

  it('reports the asked updates that Get-HotFix lists, any case, a lone one too', () => {
    expect(installedUpdates(['KB5034441', 'KB5031455'], ['kb5034441', 'KB1', ' KB5031455'])).toEqual([
      'kb5034441',
      ' KB5031455',
    ]);
    expect(installedUpdates('KB5034441', ['KB5034441'])).toEqual(['KB5034441']);
    expect(installedUpdates(null, ['KB5034441'])).toEqual([]);
  });
});

describe('processes and services', () => {
  it('reads tasklist CSV and matches with or without .exe', () => {
    const csv = [
      '"System Idle Process","0","Services","0","8 K"',
      '"osqueryd.exe","4242","Services","0","25,100 K"',
      '"My ""quoted"" app.exe","7","Console","1","1 K"',
      '',
    ].join('\r\n');
    const running = parseTasklistCsv(csv);
    expect(running.has('osqueryd.exe')).toBe(true);
    expect(running.has('my "quoted" app.exe')).toBe(true);
    expect(runningWindowsProcesses(['osqueryd', 'OSQUERYD.EXE', 'nope', ''], running)).toEqual([
      'osqueryd',
      'OSQUERYD.EXE',
    ]);
  });

  it('matches running services by Name or DisplayName', () => {
    const json = [
      { Name: 'mpssvc', DisplayName: 'Windows Defender Firewall' },
      { Name: 'WinDefend', DisplayName: 'Microsoft Defender Antivirus Service' },
    ];
    expect(runningWindowsServices(json, ['MpsSvc', 'windows defender firewall', 'sshd'])).toEqual([
      'MpsSvc',
      'windows defender firewall',
    ]);
    expect(runningWindowsServices({ Name: 'sshd', DisplayName: 'OpenSSH SSH Server' }, ['sshd'])).toEqual([
      'sshd',
    ]);
  });
});

describe('registry', () => {
  it('splits the key path and the value name, with the hive written out', () => {
    expect(
      parseRegistryKey('HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows Defender\\DisableAntiSpyware'),
    ).toEqual({
      path: 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows Defender',
      name: 'DisableAntiSpyware',
    });
    expect(parseRegistryKey('HKCU:\\Software\\Kordon\\(default)')).toEqual({
      path: 'HKEY_CURRENT_USER\\Software\\Kordon',
      name: '(default)',
    });
    expect(parseRegistryKey('HKEY_USERS\\S-1-5-18\\X')).toEqual({ path: 'HKEY_USERS\\S-1-5-18', name: 'X' });
    expect(parseRegistryKey('HKXX\\A\\B')).toBeUndefined();
    expect(parseRegistryKey('HKLM\\Name')).toBeUndefined();
  });

  it('writes values as text by their type', () => {
    expect(registryValueText('C:\\Program Files')).toBe('C:\\Program Files');
    expect(registryValueText(1)).toBe('1');
    expect(registryValueText(['a', 'b'])).toBe('a\nb');
    expect(registryValueText([0, 15, 255])).toBe('000fff');
    expect(registryValueText(null)).toBe('');
  });

  it('asks by index and maps the answer back to the keys as the request wrote them', () => {
    const asked = ['HKLM\\SOFTWARE\\A\\One', 'bogus', 'HKLM\\SOFTWARE\\B\\Two', 'HKLM\\SOFTWARE\\C\\Missing'];
    expect(registryRequest(asked)).toEqual([
      { i: 0, path: 'HKEY_LOCAL_MACHINE\\SOFTWARE\\A', name: 'One' },
      { i: 2, path: 'HKEY_LOCAL_MACHINE\\SOFTWARE\\B', name: 'Two' },
      { i: 3, path: 'HKEY_LOCAL_MACHINE\\SOFTWARE\\C', name: 'Missing' },
    ]);
    expect(
      registryFound(
        [
          { i: 0, value: 'yes' },
          { i: 2, value: 4 },
          { i: 9, value: 'x' },
        ],
        asked,
      ),
    ).toEqual([
      { key: 'HKLM\\SOFTWARE\\A\\One', value: 'yes' },
      { key: 'HKLM\\SOFTWARE\\B\\Two', value: '4' },
    ]);
    expect(registryFound({ i: 0, value: '' }, asked)).toEqual([{ key: 'HKLM\\SOFTWARE\\A\\One', value: '' }]);
  });
});

describe('antivirus', () => {
  const defender = {
    AMServiceEnabled: true,
    AntivirusEnabled: true,
    RealTimeProtectionEnabled: true,
    AMProductVersion: '4.18.24090.11',
    AntivirusSignatureAge: 1,
    QuickScanAge: 3,
    FullScanAge: 4294967295,
  };

  it('one entry per Security Center product; Defender with its own version and ages', () => {
    const json = {
      wsc: [
        { displayName: 'Windows Defender', productState: 393472, version: '' },
        { displayName: 'Kaspersky Endpoint Security', productState: 266240, version: '12.5.0.539' },
      ],
      defender,
    };
    expect(parseWindowsAntivirus(json)).toEqual([
      { active: false, name: 'Windows Defender', version: '4.18.24090.11', last_update: 1, last_scan: 3 },
      {
        active: true,
        name: 'Kaspersky Endpoint Security',
        version: '12.5.0.539',
        last_update: null,
        last_scan: null,
      },
    ]);
  });

  it('a lone product is an object, not a list', () => {
    expect(
      parseWindowsAntivirus({
        wsc: { displayName: 'ESET Security', productState: 266256, version: '' },
        defender: null,
      }),
    ).toEqual([{ active: true, name: 'ESET Security', version: '', last_update: null, last_scan: null }]);
    expect(parseWindowsAntivirus({ wsc: [], defender: null })).toEqual([]);
  });

  it('without Security Center (Windows Server), Defender alone; never scanned is null', () => {
    expect(
      parseWindowsAntivirus({
        wsc: null,
        defender: { ...defender, QuickScanAge: 65535, RealTimeProtectionEnabled: false },
      }),
    ).toEqual([
      {
        active: false,
        name: 'Microsoft Defender Antivirus',
        version: '4.18.24090.11',
        last_update: 1,
        last_scan: null,
      },
    ]);
    expect(() => parseWindowsAntivirus({ wsc: null, defender: null })).toThrow(/neither/);
    expect(() => parseWindowsAntivirus('x')).toThrow(/neither/);
  });
});

describe('firewall', () => {
  it("Windows' own firewall is active when every profile is enabled", () => {
    const profiles = (p: string, q: string, r: string) => [
      { Name: 'Domain', Enabled: p },
      { Name: 'Private', Enabled: q },
      { Name: 'Public', Enabled: r },
    ];
    expect(parseWindowsFirewall({ wsc: [], profiles: profiles('True', 'True', 'True') })).toEqual([
      { active: true, name: 'Windows Defender Firewall', version: '' },
    ]);
    expect(parseWindowsFirewall({ wsc: null, profiles: profiles('True', 'False', 'True') })).toEqual([
      { active: false, name: 'Windows Defender Firewall', version: '' },
    ]);
  });

  it('and Security Center lists the other vendors', () => {
    expect(
      parseWindowsFirewall({
        wsc: { displayName: 'ESET Firewall', productState: 266256, version: '17.0.15.0' },
        profiles: null,
      }),
    ).toEqual([{ active: true, name: 'ESET Firewall', version: '17.0.15.0' }]);
    expect(() => parseWindowsFirewall({ wsc: null, profiles: null })).toThrow(/neither/);
  });
});
