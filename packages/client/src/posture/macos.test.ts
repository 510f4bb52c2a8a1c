// Outputs written from the documented formats of sw_vers(1), dsconfigad(8) and ps(1) on macOS.
import { describe, expect, it } from 'vitest';
import {
  MAC_ANTIVIRUS,
  parseDsconfigad,
  parsePsComm,
  parseSwVers,
  plutilVersionCommand,
  runningMacProcesses,
} from './macos.js';

describe('macOS', () => {
  it('sw_vers: the product name and version', () => {
    expect(parseSwVers('ProductName:\t\tmacOS\nProductVersion:\t\t14.2.1\nBuildVersion:\t\t23C71\n')).toBe(
      'macOS 14.2.1',
    );
    expect(parseSwVers('ProductName:\tMac OS X\nProductVersion:\t10.15.7\nBuildVersion:\t19H2\n')).toBe(
      'Mac OS X 10.15.7',
    );
    expect(parseSwVers('')).toBe('');
  });

  it('dsconfigad -show: the Active Directory domain, or nothing when not bound', () => {
    const bound = [
      'Active Directory Forest          = corp.example',
      'Active Directory Domain          = corp.example',
      'Computer Account                 = mac01$',
      '',
      'Advanced Options - User Experience',
      '  Create mobile account at login = Enabled',
    ].join('\n');
    expect(parseDsconfigad(bound)).toBe('corp.example');
    expect(parseDsconfigad('')).toBe('');
  });

  it('ps -axco comm: names after the header; matched on the first 16 characters', () => {
    const running = parsePsComm('COMM\nlaunchd\nlogd\nwdavdaemon\ncom.crowdstrike.\nkordon-posture-t\n');
    expect([...running]).toEqual(['launchd', 'logd', 'wdavdaemon', 'com.crowdstrike.', 'kordon-posture-t']);
    expect(
      runningMacProcesses(
        ['wdavdaemon', 'com.crowdstrike.falcon.Agent', 'kordon-posture-test-process', 'sshd', ''],
        running,
      ),
    ).toEqual(['wdavdaemon', 'com.crowdstrike.falcon.Agent', 'kordon-posture-test-process']);
  });

  it('antivirus versions come from the bundle with plutil; XProtect is always on', () => {
    expect(plutilVersionCommand('/Applications/Falcon.app')).toEqual([
      '/usr/bin/plutil',
      [
        '-extract',
        'CFBundleShortVersionString',
        'raw',
        '-o',
        '-',
        '/Applications/Falcon.app/Contents/Info.plist',
      ],
    ]);
    expect(MAC_ANTIVIRUS.find((p) => p.name === 'XProtect')?.processes).toEqual([]);
    for (const p of MAC_ANTIVIRUS) expect(p.bundles.length).toBeGreaterThan(0);
  });
});
