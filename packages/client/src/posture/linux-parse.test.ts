import { describe, expect, it } from 'vitest';
import {
  nftRulesetActive,
  osReleaseVersion,
  parseFirewalldState,
  parseFirewalldVersion,
  parseNftChains,
  parseNftVersion,
  parseOsRelease,
  parseRunningUnits,
  parseUfwStatus,
  parseUfwVersion,
  runningServices,
} from './linux-parse.js';

describe('os-release (os-release(5))', () => {
  it('takes PRETTY_NAME', () => {
    const debian = [
      'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"',
      'NAME="Debian GNU/Linux"',
      'VERSION_ID="12"',
      'ID=debian',
    ].join('\n');
    expect(osReleaseVersion(debian)).toBe('Debian GNU/Linux 12 (bookworm)');
  });

  it('else NAME and VERSION_ID, else NAME; nothing when neither is there', () => {
    expect(osReleaseVersion('NAME=Fedora\nVERSION_ID=40\n')).toBe('Fedora 40');
    expect(osReleaseVersion("NAME='Arch Linux'\n")).toBe('Arch Linux');
    expect(osReleaseVersion('PRETTY_NAME=""\nNAME="Alpine Linux"\nVERSION_ID=3.20.1')).toBe(
      'Alpine Linux 3.20.1',
    );
    expect(osReleaseVersion('# nothing\nID=x\n')).toBeUndefined();
  });

  it('reads quotes, escapes and comments as the shell would', () => {
    const vars = parseOsRelease(
      '# comment\nA="a \\"quoted\\" \\$HOME"\r\nB=plain\nC=\'single\'\nnot a line\n',
    );
    expect(vars.get('A')).toBe('a "quoted" $HOME');
    expect(vars.get('B')).toBe('plain');
    expect(vars.get('C')).toBe('single');
    expect(vars.size).toBe(3);
  });
});

describe('systemd services', () => {
  const output = [
    'cron.service                loaded active running Regular background program processing daemon',
    'ssh.service                 loaded active running OpenBSD Secure Shell server',
    '● systemd-journald.service  loaded active running Journal Service',
    'user@1000.service           loaded active running User Manager for UID 1000',
    '',
  ].join('\n');

  it('reads the unit names of list-units', () => {
    expect([...parseRunningUnits(output)]).toEqual([
      'cron.service',
      'ssh.service',
      'systemd-journald.service',
      'user@1000.service',
    ]);
  });

  it('matches asked names with or without ".service", in the order asked; aliases are not followed', () => {
    const units = parseRunningUnits(output);
    expect(runningServices(['ssh', 'sshd', 'cron.service', 'user@1000', '', 'nginx'], units)).toEqual([
      'ssh',
      'cron.service',
      'user@1000',
    ]);
  });
});

describe('firewall programs', () => {
  it('reads the versions', () => {
    expect(parseNftVersion('nftables v1.0.6 (Lester Gooch #5)\n')).toBe('1.0.6');
    expect(parseNftVersion('nftables v0.9.3 (Topsy)')).toBe('0.9.3');
    expect(parseNftVersion('garbage')).toBe('');
    expect(parseUfwVersion('ufw 0.36.1\nCopyright 2008-2021 Canonical Ltd.\n')).toBe('0.36.1');
    expect(parseFirewalldVersion('1.3.4\n')).toBe('1.3.4');
  });

  it('reads ufw status and firewalld state', () => {
    expect(
      parseUfwStatus(
        'Status: active\n\nTo                         Action      From\n--                         ------      ----\n22/tcp                     ALLOW       Anywhere\n',
      ),
    ).toBe(true);
    expect(parseUfwStatus('Status: inactive\n')).toBe(false);
    expect(parseUfwStatus('ERROR: You need to be root to run this script\n')).toBeUndefined();
    expect(parseFirewalldState('running\n')).toBe(true);
    expect(parseFirewalldState('not running\n')).toBe(false);
    expect(parseFirewalldState('')).toBeUndefined();
  });
});

describe('nftables: active when what comes in is filtered', () => {
  const table = (body: string) => `table inet filter {\n${body}\n}\n`;

  it('an empty ruleset is not active', () => {
    expect(nftRulesetActive('')).toBe(false);
    expect(
      nftRulesetActive(
        table('\tchain input {\n\t\ttype filter hook input priority filter; policy accept;\n\t}'),
      ),
    ).toBe(false);
  });

  it('an input chain with the policy drop is', () => {
    expect(
      nftRulesetActive(
        table(
          '\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n\t\tct state established,related accept\n\t\ttcp dport { 22, 443 } accept\n\t}',
        ),
      ),
    ).toBe(true);
  });

  it('so is an input chain with a drop or reject rule, there or in a chain it jumps to', () => {
    expect(
      nftRulesetActive(
        table(
          '\tchain input {\n\t\ttype filter hook input priority 0; policy accept;\n\t\tct state invalid drop\n\t}',
        ),
      ),
    ).toBe(true);
    // firewalld's shape: the base chain jumps to zone chains, a reject comes at the end of one.
    const firewalld = [
      'table inet firewalld {',
      '\tchain filter_INPUT {',
      '\t\ttype filter hook input priority filter + 10; policy accept;',
      '\t\tct state { established, related } accept',
      '\t\tjump filter_INPUT_ZONES',
      '\t}',
      '\tchain filter_INPUT_ZONES {',
      '\t\tgoto filter_IN_public',
      '\t}',
      '\tchain filter_IN_public {',
      '\t\ttcp dport 22 accept',
      '\t\treject with icmpx admin-prohibited',
      '\t}',
      '}',
    ].join('\n');
    expect(nftRulesetActive(firewalld)).toBe(true);
  });

  it('a forward drop (Docker), an output rule, a comment or a set name are not', () => {
    const docker = [
      'table ip filter {',
      '\tchain FORWARD {',
      '\t\ttype filter hook forward priority filter; policy drop;',
      '\t}',
      '\tchain OUTPUT {',
      '\t\ttype filter hook output priority filter; policy accept;',
      '\t\tip daddr 10.0.0.1 drop',
      '\t}',
      '\tchain INPUT {',
      '\t\ttype filter hook input priority filter; policy accept;',
      '\t\tip saddr @drop_list accept comment "never drop this"',
      '\t\tjump LOOP',
      '\t}',
      '\tchain LOOP {',
      '\t\tjump INPUT',
      '\t}',
      '}',
    ].join('\n');
    expect(nftRulesetActive(docker)).toBe(false);
  });

  it('reads sets with elements over several lines, and jumps stay within their table', () => {
    const text = [
      'table inet a {',
      '\tset blocked {',
      '\t\ttype ipv4_addr',
      '\t\telements = { 10.0.0.1, 10.0.0.2,',
      '\t\t\t     10.0.0.3 }',
      '\t}',
      '\tchain input {',
      '\t\ttype filter hook input priority 0; policy accept;',
      '\t\tjump deny',
      '\t}',
      '}',
      'table inet b {',
      '\tchain deny {',
      '\t\tdrop',
      '\t}',
      '}',
    ].join('\n');
    expect(parseNftChains(text).map((c) => `${c.table}/${c.name}/${c.hook ?? '-'}`)).toEqual([
      'inet a/input/input',
      'inet b/deny/-',
    ]);
    expect(nftRulesetActive(text)).toBe(false);
  });

  it('reads what iptables-nft (ufw, iptables) leaves in nftables', () => {
    const ufw = [
      'table ip filter {',
      '\tchain INPUT {',
      '\t\ttype filter hook input priority filter; policy drop;',
      '\t\tcounter packets 10 bytes 800 jump ufw-before-input',
      '\t}',
      '\tchain ufw-before-input {',
      '\t}',
      '}',
    ].join('\n');
    expect(nftRulesetActive(ufw)).toBe(true);
  });
});
