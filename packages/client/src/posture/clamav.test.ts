import { describe, expect, it } from 'vitest';
import { lastScanInLog, parseClamConfig, parseClamVersion, parseCtime, parseCvdHeader } from './clamav.js';

describe('ClamAV version line', () => {
  it('reads the engine and the daily database ("ClamAV 1.0.7/27474/<ctime>")', () => {
    expect(parseClamVersion('ClamAV 1.0.7/27474/Sun Dec  1 09:35:02 2024\n')).toEqual({
      engine: '1.0.7',
      database: { version: 27474, time: new Date(2024, 11, 1, 9, 35, 2).getTime() },
    });
  });

  it('reads a version without a database, and refuses other text', () => {
    expect(parseClamVersion('ClamAV 0.103.11\n')).toEqual({ engine: '0.103.11' });
    expect(parseClamVersion('clamdscan: command not found')).toBeUndefined();
  });

  it('reads ctime(3) in local time', () => {
    expect(parseCtime('Mon Dec 16 23:18:00 2025')).toBe(new Date(2025, 11, 16, 23, 18, 0).getTime());
    expect(parseCtime('Mon Foo 16 23:18:00 2025')).toBeUndefined();
    expect(parseCtime('yesterday')).toBeUndefined();
  });
});

describe('CVD/CLD header (sigtool)', () => {
  const pad = (s: string) => s.padEnd(512, ' ');

  it('takes the build time in seconds, the last field', () => {
    const header = pad(
      'ClamAV-VDB:16 Dec 2025 23-18 +0000:27852:2073415:90:X:X:svc.clamav-publisher:1765927080',
    );
    expect(parseCvdHeader(header)).toEqual({ version: 27852, time: 1765927080_000 });
  });

  it('falls back to the written time with its zone', () => {
    expect(parseCvdHeader(pad('ClamAV-VDB:16 Dec 2025 23-18 -0130:27852:2073415:90'))).toEqual({
      version: 27852,
      time: Date.UTC(2025, 11, 17, 0, 48),
    });
  });

  it('refuses what is no header', () => {
    expect(parseCvdHeader('\x1f\x8b\x08 gzip')).toBeUndefined();
    expect(parseCvdHeader('ClamAV-VDB:no date:1')).toBeUndefined();
  });
});

describe('ClamAV configuration', () => {
  it('reads DatabaseDirectory and LogFile, skipping comments', () => {
    const text =
      '# LogFile /tmp/no\nLogFile /var/log/clamav/clamav.log\nLogTime true\nDatabaseDirectory "/srv/clamav"\n';
    expect(parseClamConfig(text)).toEqual({
      databaseDirectory: '/srv/clamav',
      logFiles: ['/var/log/clamav/clamav.log'],
    });
  });
});

describe('the last scan in a ClamAV log', () => {
  it("reads clamscan's and clamdscan's summary dates", () => {
    const log = [
      '/home/a/file: OK',
      '',
      '----------- SCAN SUMMARY -----------',
      'Known viruses: 8697013',
      'Engine version: 1.0.7',
      'Scanned files: 10',
      'Infected files: 0',
      'Time: 10.123 sec (0 m 10 s)',
      'Start Date: 2024:12:01 10:00:00',
      'End Date:   2024:12:01 10:00:10',
    ].join('\n');
    expect(lastScanInLog(log)).toBe(new Date(2024, 11, 1, 10, 0, 10).getTime());
  });

  it("reads clamd's result lines, not its self-checks, and keeps the latest", () => {
    const log = [
      'Sun Dec  1 10:00:10 2024 -> /home/a/eicar.com: Win.Test.EICAR_HDB-1 FOUND',
      'Mon Dec  2 08:00:00 2024 -> /home/a/ok.txt: OK',
      'Tue Dec  3 09:00:00 2024 -> SelfCheck: Database status OK.',
      'Tue Dec  3 09:00:01 2024 -> Reading databases from /var/lib/clamav',
    ].join('\n');
    expect(lastScanInLog(log)).toBe(new Date(2024, 11, 2, 8, 0, 0).getTime());
  });

  it('finds none in a log of no scan', () => {
    expect(lastScanInLog('Tue Dec  3 09:00:00 2024 -> SelfCheck: Database status OK.\n')).toBeUndefined();
    expect(lastScanInLog('')).toBeUndefined();
  });
});
