import type { FirewallConfig } from '@kordon/core';
import { describe, expect, it } from 'vitest';
import { FirewallInputError } from './addresses.js';
import { renderAllow, renderRemove, renderRevoke, renderRevokeAll, renderRuleset } from './ruleset.js';

const config: FirewallConfig = {
  enforcedInterfaces: ['eth1', 'eth0.100'],
  tunnelInterface: 'kordon-gw0',
  tunnelNetwork: '100.64.0.0/16',
  authorized: ['100.64.0.2', '192.168.1.20', '2001:DB8::5', '::ffff:192.168.1.21', '100.64.0.2'],
};

describe('renderRuleset', () => {
  it('replaces the whole table in one script, with the authorized addresses split by family', () => {
    expect(renderRuleset(config, 'kordon')).toBe(
      `table inet kordon {}
delete table inet kordon
table inet kordon {
	set auth4 {
		type ipv4_addr
		elements = { 100.64.0.2, 192.168.1.20, 192.168.1.21 }
	}
	set auth6 {
		type ipv6_addr
		elements = { 2001:db8::5 }
	}
	chain forward {
		type filter hook forward priority filter - 10; policy accept;
		iifname { "kordon-gw0", "eth1", "eth0.100" } jump enforce
	}
	chain enforce {
		ct direction original ip saddr @auth4 accept
		ct direction original ip6 saddr @auth6 accept
		ct direction reply ip daddr @auth4 accept
		ct direction reply ip6 daddr @auth6 accept
		drop
	}
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname != "kordon-gw0" ip saddr 100.64.0.0/16 masquerade
	}
}
`,
    );
  });

  it('leaves out empty element lists, names the tunnel interface once, and clears host bits', () => {
    const text = renderRuleset(
      { enforcedInterfaces: ['wg0'], tunnelInterface: 'wg0', tunnelNetwork: '10.9.8.7/20', authorized: [] },
      'kordon_test',
    );
    expect(text).not.toContain('elements');
    expect(text).toContain('\t\tiifname { "wg0" } jump enforce\n');
    expect(text).toContain('\t\toifname != "wg0" ip saddr 10.9.0.0/20 masquerade\n');
    expect(text.startsWith('table inet kordon_test {}\ndelete table inet kordon_test\n')).toBe(true);
  });

  it('masquerades an IPv6 tunnel network with ip6', () => {
    const text = renderRuleset({ ...config, tunnelNetwork: 'FD00:0:0:1::1/64' }, 'kordon');
    expect(text).toContain('\t\toifname != "kordon-gw0" ip6 saddr fd00:0:0:1::/64 masquerade\n');
  });

  it.each<[Partial<FirewallConfig>, string]>([
    [{ authorized: ['198.18.0.1; flush ruleset'] }, 'not an IP address: "198.18.0.1; flush ruleset"'],
    [{ authorized: ['fe80::1%eth0'] }, 'not an IP address: "fe80::1%eth0"'],
    [{ enforcedInterfaces: ['eth0" accept #'] }, 'not an interface name'],
    [{ enforcedInterfaces: ['a-very-long-name0'] }, 'not an interface name'],
    [{ tunnelInterface: '' }, 'not an interface name'],
    [{ tunnelNetwork: '100.64.0.0' }, 'not a network in CIDR notation: "100.64.0.0"'],
    [{ tunnelNetwork: '100.64.0.0/33' }, 'not a network in CIDR notation'],
  ])('refuses unsafe input %j', (change, message) => {
    expect(() => renderRuleset({ ...config, ...change }, 'kordon')).toThrow(FirewallInputError);
    expect(() => renderRuleset({ ...config, ...change }, 'kordon')).toThrow(message);
  });

  it('refuses a table name that is not an identifier', () => {
    expect(() => renderRuleset(config, 'kordon; flush ruleset')).toThrow('not an nftables table name');
  });
});

describe('element scripts', () => {
  it('allow adds each family to its set in one script', () => {
    expect(renderAllow(['198.18.10.2', '::FFFF:198.18.10.3', '2001:db8::1'], 'kordon')).toBe(
      'add element inet kordon auth4 { 198.18.10.2, 198.18.10.3 }\n' +
        'add element inet kordon auth6 { 2001:db8::1 }\n',
    );
    expect(renderAllow([], 'kordon')).toBe('');
  });

  it('revoke adds before it deletes, so an absent element cannot fail the batch', () => {
    expect(renderRevoke(['2001:db8::1', '198.18.10.2'], 'kordon')).toBe(
      'add element inet kordon auth4 { 198.18.10.2 }\n' +
        'add element inet kordon auth6 { 2001:db8::1 }\n' +
        'delete element inet kordon auth4 { 198.18.10.2 }\n' +
        'delete element inet kordon auth6 { 2001:db8::1 }\n',
    );
    expect(renderRevoke(['198.18.10.2'], 'kordon')).toBe(
      'add element inet kordon auth4 { 198.18.10.2 }\ndelete element inet kordon auth4 { 198.18.10.2 }\n',
    );
  });

  it('revoke-all flushes both sets; remove deletes the table whether or not it exists', () => {
    expect(renderRevokeAll('kordon')).toBe('flush set inet kordon auth4\nflush set inet kordon auth6\n');
    expect(renderRemove('kordon')).toBe('table inet kordon {}\ndelete table inet kordon\n');
  });

  it('validates before anything is rendered', () => {
    expect(() => renderAllow(['198.18.10.2', '198.18.10.300'], 'kordon')).toThrow(
      'not an IP address: "198.18.10.300"',
    );
    expect(() => renderRevoke(['198.18.10.2 }'], 'kordon')).toThrow(FirewallInputError);
  });
});
