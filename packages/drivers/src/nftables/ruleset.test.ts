import type { FirewallConfig } from '@kordon/core';
import { describe, expect, it } from 'vitest';
import { FirewallInputError } from './addresses.js';
import {
  profileKeysOfRules,
  renderAllow,
  renderBootRuleset,
  renderClosedRuleset,
  renderExemptions,
  renderRemove,
  renderRevoke,
  renderRevokeAll,
  renderRuleset,
} from './ruleset.js';

const config: FirewallConfig = {
  enforcedInterfaces: ['eth1', 'eth0.100'],
  tunnelInterface: 'kordon-gw0',
  tunnelNetwork: '100.64.0.0/16',
  authorized: ['100.64.0.2', '192.168.1.20', '2001:DB8::5', '::ffff:192.168.1.21', '100.64.0.2'],
  exemptFrom: ['192.168.1.0/28', '2001:db8:1::/48', '192.168.2.9'],
  exemptTo: ['10.0.0.53', 'FD00::53'],
  accessRules: [],
  profiles: {},
};

const ENFORCE_CHAIN = `	chain enforce {
		ct direction original ip saddr @auth4 accept
		ct direction original ip6 saddr @auth6 accept
		ct direction reply ip daddr @auth4 accept
		ct direction reply ip6 daddr @auth6 accept
		ct direction original ip saddr @exempt_from4 accept
		ct direction original ip6 saddr @exempt_from6 accept
		ct direction reply ip daddr @exempt_from4 accept
		ct direction reply ip6 daddr @exempt_from6 accept
		ct direction original ip daddr @exempt_to4 accept
		ct direction original ip6 daddr @exempt_to6 accept
		ct direction reply ip saddr @exempt_to4 accept
		ct direction reply ip6 saddr @exempt_to6 accept
		drop
	}
`;

describe('renderRuleset', () => {
  it('replaces the whole table in one script, with authorized addresses and exemptions split by family', () => {
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
	set exempt_from4 {
		type ipv4_addr
		flags interval
		auto-merge
		elements = { 192.168.1.0/28, 192.168.2.9 }
	}
	set exempt_from6 {
		type ipv6_addr
		flags interval
		auto-merge
		elements = { 2001:db8:1::/48 }
	}
	set exempt_to4 {
		type ipv4_addr
		flags interval
		auto-merge
		elements = { 10.0.0.53 }
	}
	set exempt_to6 {
		type ipv6_addr
		flags interval
		auto-merge
		elements = { fd00::53 }
	}
	chain forward {
		type filter hook forward priority filter - 10; policy accept;
		iifname { "kordon-gw0", "eth1", "eth0.100" } jump enforce
	}
${ENFORCE_CHAIN}	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname != "kordon-gw0" ip saddr 100.64.0.0/16 masquerade
	}
}
`,
    );
  });

  it('has no established shortcut: every accept is a set lookup (DECISIONS 51, 53, 72)', () => {
    const text = renderRuleset(config, 'kordon');
    expect(text).not.toContain('established');
    expect(text).not.toContain('ct state');
  });

  it('leaves out empty element lists, names the tunnel interface once, and clears host bits', () => {
    const text = renderRuleset(
      {
        enforcedInterfaces: ['wg0'],
        tunnelInterface: 'wg0',
        tunnelNetwork: '10.9.8.7/20',
        authorized: [],
        exemptFrom: [],
        exemptTo: [],
        accessRules: [],
        profiles: {},
      },
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
    [
      { exemptFrom: ['198.18.0.0/15', '198.18.0.0/15 }; flush ruleset'] },
      'exemptFrom: not an IP address or a network in CIDR notation: "198.18.0.0/15 }; flush ruleset"',
    ],
    [
      { exemptTo: ['10.0.0.0/33'] },
      'exemptTo: not an IP address or a network in CIDR notation: "10.0.0.0/33"',
    ],
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

describe('access rules by profile', () => {
  const ruled: FirewallConfig = {
    ...config,
    authorized: ['100.64.0.2', '100.64.0.3', '2001:db8::5'],
    profiles: { '100.64.0.2': ['p-a'], '100.64.0.3': ['none'], '2001:db8::5': ['p-a', 'none'] },
    accessRules: [
      { action: 'deny', profiles: ['p-a'], to: ['10.1.0.0/16'] },
      { action: 'allow', profiles: ['p-a', 'none'], to: ['10.0.0.0/8', 'fd00::/8'] },
      { action: 'allow', profiles: ['p-a'], to: ['0.0.0.0/0'] },
    ],
  };

  it('names each profile once, in order of first appearance', () => {
    expect(profileKeysOfRules(ruled.accessRules)).toEqual(['p-a', 'none']);
  });

  it('puts the exemptions before the jump and the rules in order, one line per profile and family', () => {
    const text = renderRuleset(ruled, 'kordon');
    const enforce = text.slice(text.indexOf('chain enforce {'), text.indexOf('chain access {'));
    expect(enforce.indexOf('@exempt_to6 accept')).toBeLessThan(enforce.indexOf('jump access'));
    expect(enforce).not.toContain('ct direction original ip saddr @auth4 accept');
    expect(text).toContain(`	chain access {
		ip saddr @prof0_4 ip daddr @to0_4 drop
		ip saddr @prof0_4 ip daddr @to1_4 accept
		ip6 saddr @prof0_6 ip6 daddr @to1_6 accept
		ip saddr @prof1_4 ip daddr @to1_4 accept
		ip6 saddr @prof1_6 ip6 daddr @to1_6 accept
		ip saddr @prof0_4 ip daddr @to2_4 accept
		drop
	}`);
    expect(text).toContain('set prof0_4 {\n\t\ttype ipv4_addr\n\t\telements = { 100.64.0.2 }');
    expect(text).toContain('set prof1_6 {\n\t\ttype ipv6_addr\n\t\telements = { 2001:db8::5 }');
    expect(text).toContain(
      'set to1_4 {\n\t\ttype ipv4_addr\n\t\tflags interval\n\t\tauto-merge\n\t\telements = { 10.0.0.0/8 }',
    );
  });

  it('without rules the table is the one before access rules existed', () => {
    expect(renderRuleset({ ...ruled, accessRules: [] }, 'kordon')).not.toContain('access');
  });

  it('allow moves addresses between profile sets in the same script; revoke leaves every set', () => {
    expect(renderAllow(['100.64.0.2'], 'kordon', ['p-a', 'none'], { '100.64.0.2': ['none'] })).toBe(
      `add element inet kordon auth4 { 100.64.0.2 }
add element inet kordon prof0_4 { 100.64.0.2 }
delete element inet kordon prof0_4 { 100.64.0.2 }
add element inet kordon prof1_4 { 100.64.0.2 }
delete element inet kordon prof1_4 { 100.64.0.2 }
add element inet kordon prof1_4 { 100.64.0.2 }
`,
    );
    expect(renderRevoke(['100.64.0.2'], 'kordon', 1)).toBe(
      `add element inet kordon auth4 { 100.64.0.2 }
delete element inet kordon auth4 { 100.64.0.2 }
add element inet kordon prof0_4 { 100.64.0.2 }
delete element inet kordon prof0_4 { 100.64.0.2 }
`,
    );
  });

  it('refuses a destination that is not a network, naming the rule', () => {
    expect(() =>
      renderRuleset(
        { ...ruled, accessRules: [{ action: 'allow', profiles: ['x'], to: ['10.0.0.0/33'] }] },
        'kordon',
      ),
    ).toThrow(/accessRules\[0\]\.to/);
  });
});

describe('renderBootRuleset (DECISIONS 70)', () => {
  const boot = {
    enforcedInterfaces: ['eth1', 'eth2'],
    exemptFrom: ['192.168.1.0/28'],
    exemptTo: ['fd00::53'],
  };

  it('is the same table with nothing authorized and no masquerade, the exemptions kept', () => {
    expect(renderBootRuleset(boot, 'kordon')).toBe(
      `table inet kordon {}
delete table inet kordon
table inet kordon {
	set auth4 {
		type ipv4_addr
	}
	set auth6 {
		type ipv6_addr
	}
	set exempt_from4 {
		type ipv4_addr
		flags interval
		auto-merge
		elements = { 192.168.1.0/28 }
	}
	set exempt_from6 {
		type ipv6_addr
		flags interval
		auto-merge
	}
	set exempt_to4 {
		type ipv4_addr
		flags interval
		auto-merge
	}
	set exempt_to6 {
		type ipv6_addr
		flags interval
		auto-merge
		elements = { fd00::53 }
	}
	chain forward {
		type filter hook forward priority filter - 10; policy accept;
		iifname { "eth1", "eth2" } jump enforce
	}
${ENFORCE_CHAIN}	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
	}
}
`,
    );
  });

  it('has the structure of the full table: only the authorized elements and the masquerade differ', () => {
    const full = renderRuleset(
      { ...config, ...boot, tunnelInterface: 'eth1', authorized: ['198.18.10.2'] },
      'kordon',
    );
    const withoutVariableLines = (text: string): string[] =>
      text.split('\n').filter((line) => !line.includes('masquerade') && !line.includes('198.18.10.2'));
    expect(withoutVariableLines(renderBootRuleset(boot, 'kordon'))).toEqual(withoutVariableLines(full));
  });

  it('refuses a boot table that would close nothing, and validates like the full table', () => {
    expect(() => renderBootRuleset({ ...boot, enforcedInterfaces: [] }, 'kordon')).toThrow(
      'the boot table needs at least one interface to enforce',
    );
    expect(() => renderBootRuleset({ ...boot, enforcedInterfaces: ['eth1"'] }, 'kordon')).toThrow(
      'not an interface name',
    );
    expect(() => renderBootRuleset({ ...boot, exemptTo: ['dc.example'] }, 'kordon')).toThrow(
      'exemptTo: not an IP address or a network in CIDR notation: "dc.example"',
    );
    expect(() => renderBootRuleset(boot, 'kordon x')).toThrow('not an nftables table name');
  });

  it('the closed table is the boot table over the gateway interfaces, the tunnel one included', () => {
    const { authorized: _authorized, ...closed } = config;
    expect(renderClosedRuleset(closed, 'kordon')).toBe(
      renderBootRuleset(
        {
          enforcedInterfaces: ['kordon-gw0', 'eth1', 'eth0.100'],
          exemptFrom: config.exemptFrom,
          exemptTo: config.exemptTo,
        },
        'kordon',
      ),
    );
  });
});

describe('renderExemptions (DECISIONS 72)', () => {
  it('flushes the four sets and adds the new contents in one script', () => {
    expect(
      renderExemptions(['198.18.40.0/24', '2001:DB8::/32', '198.18.41.7/32'], ['198.18.50.2'], 'kordon'),
    ).toBe(
      'flush set inet kordon exempt_from4\n' +
        'flush set inet kordon exempt_from6\n' +
        'flush set inet kordon exempt_to4\n' +
        'flush set inet kordon exempt_to6\n' +
        'add element inet kordon exempt_from4 { 198.18.40.0/24, 198.18.41.7 }\n' +
        'add element inet kordon exempt_from6 { 2001:db8::/32 }\n' +
        'add element inet kordon exempt_to4 { 198.18.50.2 }\n',
    );
  });

  it('empty lists only flush', () => {
    expect(renderExemptions([], [], 'kordon')).toBe(
      'flush set inet kordon exempt_from4\n' +
        'flush set inet kordon exempt_from6\n' +
        'flush set inet kordon exempt_to4\n' +
        'flush set inet kordon exempt_to6\n',
    );
  });

  it('validates both lists before anything is rendered, naming the list and the entry', () => {
    expect(() =>
      renderExemptions(['198.18.40.0/24'], ['198.18.50.0/24', '198.18.50.0-198.18.50.9'], 'kordon'),
    ).toThrow('exemptTo: not an IP address or a network in CIDR notation: "198.18.50.0-198.18.50.9"');
    expect(() => renderExemptions(['fe80::/64%eth0'], [], 'kordon')).toThrow(FirewallInputError);
    expect(() => renderExemptions([], [], 'kordon; flush ruleset')).toThrow('not an nftables table name');
  });
});
