// The nft scripts Kordon applies: pure text, built only from validated parts (addresses.ts).
import type { ClosedFirewallConfig, FirewallAccessRule, FirewallConfig } from '@kordon/core';
import {
  FirewallInputError,
  parseNetwork,
  splitAddresses,
  splitNetworks,
  validateInterfaceName,
  validateTableName,
  type Network,
  type SplitAddresses,
  type SplitNetworks,
} from './addresses.js';

export const IPV4_SET = 'auth4';
export const IPV6_SET = 'auth6';
/** The exemption sets (DECISIONS 72), interval sets of addresses and networks. */
export const EXEMPT_SETS = {
  from4: 'exempt_from4',
  from6: 'exempt_from6',
  to4: 'exempt_to4',
  to6: 'exempt_to6',
} as const;

/** What the boot table needs (DECISIONS 70): the interfaces to close and the exemptions that stay open. */
export type BootFirewallConfig = Pick<FirewallConfig, 'enforcedInterfaces' | 'exemptFrom' | 'exemptTo'>;

function quoted(names: readonly string[]): string {
  return names.map((name) => `"${name}"`).join(', ');
}

function setBlock(name: string, type: string, elements: readonly string[], interval = false): string[] {
  const lines = [`\tset ${name} {`, `\t\ttype ${type}`];
  // auto-merge lets overlapping entries (a network and a host in it) coexist instead of failing the batch.
  if (interval) lines.push('\t\tflags interval', '\t\tauto-merge');
  // nft refuses an empty `elements = { }`.
  if (elements.length > 0) lines.push(`\t\telements = { ${elements.join(', ')} }`);
  lines.push('\t}');
  return lines;
}

interface Exemptions {
  from: SplitNetworks;
  to: SplitNetworks;
}

function validateExemptions(exemptFrom: readonly string[], exemptTo: readonly string[]): Exemptions {
  return { from: splitNetworks(exemptFrom, 'exemptFrom'), to: splitNetworks(exemptTo, 'exemptTo') };
}

/** Everything a table is made of, already validated. */
interface TableParts {
  table: string;
  enforced: readonly string[];
  authorized: SplitAddresses;
  exemptions: Exemptions;
  /** The tunnel network's masquerade; the boot table has none (no tunnel before the gateway runs). */
  masquerade?: { tunnelInterface: string; network: Network };
  /** Access by posture profile; none in the boot and closed tables (nothing is authorized there). */
  access?: AccessParts;
}

/** The access rules, validated, with the members of each profile set. */
interface AccessParts {
  rules: { action: FirewallAccessRule['action']; profiles: number[]; to: SplitNetworks }[];
  /** Per profile set (by index in `profileKeys`), its members split by family. */
  members: SplitAddresses[];
}

/**
 * The profile keys the rules name, each once, in order of first appearance: the index of a key is
 * its set's number (`prof<i>_4`, `prof<i>_6`).
 */
export function profileKeysOfRules(rules: readonly FirewallAccessRule[]): string[] {
  return [...new Set(rules.flatMap((rule) => rule.profiles))];
}

const profileSet = (index: number, family: 4 | 6): string => `prof${index}_${family}`;
const destinationSet = (index: number, family: 4 | 6): string => `to${index}_${family}`;

function accessParts(
  rules: readonly FirewallAccessRule[],
  profiles: Record<string, readonly string[]>,
): AccessParts | undefined {
  if (rules.length === 0) return undefined;
  const keys = profileKeysOfRules(rules);
  const index = new Map(keys.map((key, i) => [key, i]));
  const byKey = keys.map((): string[] => []);
  for (const [address, own] of Object.entries(profiles)) {
    for (const key of own) {
      const i = index.get(key);
      if (i !== undefined) byKey[i]?.push(address);
    }
  }
  return {
    rules: rules.map((rule, n) => ({
      action: rule.action,
      profiles: rule.profiles.map((key) => index.get(key) ?? -1),
      to: splitNetworks(rule.to, `accessRules[${n}].to`),
    })),
    members: byKey.map((addresses) => splitAddresses(addresses)),
  };
}

function accessSets(access: AccessParts): string[] {
  const lines: string[] = [];
  access.members.forEach((members, i) => {
    lines.push(...setBlock(profileSet(i, 4), 'ipv4_addr', members.ipv4));
    lines.push(...setBlock(profileSet(i, 6), 'ipv6_addr', members.ipv6));
  });
  access.rules.forEach((rule, j) => {
    lines.push(...setBlock(destinationSet(j, 4), 'ipv4_addr', rule.to.ipv4, true));
    lines.push(...setBlock(destinationSet(j, 6), 'ipv6_addr', rule.to.ipv6, true));
  });
  return lines;
}

/** First match wins: rules in order, each profile of a rule one line per family, then drop. */
function accessChain(access: AccessParts): string[] {
  const lines = ['\tchain access {'];
  access.rules.forEach((rule, j) => {
    const verdict = rule.action === 'allow' ? 'accept' : 'drop';
    for (const i of rule.profiles) {
      if (rule.to.ipv4.length > 0) {
        lines.push(`\t\tip saddr @${profileSet(i, 4)} ip daddr @${destinationSet(j, 4)} ${verdict}`);
      }
      if (rule.to.ipv6.length > 0) {
        lines.push(`\t\tip6 saddr @${profileSet(i, 6)} ip6 daddr @${destinationSet(j, 6)} ${verdict}`);
      }
    }
  });
  lines.push('\t\tdrop', '\t}');
  return lines;
}

function renderTable({ table, enforced, authorized, exemptions, masquerade, access }: TableParts): string {
  const { from, to } = exemptions;
  const authorizedOriginal = [
    `\t\tct direction original ip saddr @${IPV4_SET} accept`,
    `\t\tct direction original ip6 saddr @${IPV6_SET} accept`,
  ];
  const postrouting: string[] = [];
  if (masquerade) {
    const { tunnelInterface, network } = masquerade;
    const ipKeyword = network.family === 4 ? 'ip' : 'ip6';
    postrouting.push(
      `\t\toifname != "${tunnelInterface}" ${ipKeyword} saddr ${network.address}/${network.prefixLength} masquerade`,
    );
  }
  return [
    `table ${table} {}`,
    `delete table ${table}`,
    `table ${table} {`,
    ...setBlock(IPV4_SET, 'ipv4_addr', authorized.ipv4),
    ...setBlock(IPV6_SET, 'ipv6_addr', authorized.ipv6),
    ...setBlock(EXEMPT_SETS.from4, 'ipv4_addr', from.ipv4, true),
    ...setBlock(EXEMPT_SETS.from6, 'ipv6_addr', from.ipv6, true),
    ...setBlock(EXEMPT_SETS.to4, 'ipv4_addr', to.ipv4, true),
    ...setBlock(EXEMPT_SETS.to6, 'ipv6_addr', to.ipv6, true),
    '\tchain forward {',
    '\t\ttype filter hook forward priority filter - 10; policy accept;',
    `\t\tiifname { ${quoted(enforced)} } jump enforce`,
    '\t}',
    ...(access ? accessSets(access) : []),
    '\tchain enforce {',
    ...(access ? [] : authorizedOriginal),
    `\t\tct direction reply ip daddr @${IPV4_SET} accept`,
    `\t\tct direction reply ip6 daddr @${IPV6_SET} accept`,
    `\t\tct direction original ip saddr @${EXEMPT_SETS.from4} accept`,
    `\t\tct direction original ip6 saddr @${EXEMPT_SETS.from6} accept`,
    `\t\tct direction reply ip daddr @${EXEMPT_SETS.from4} accept`,
    `\t\tct direction reply ip6 daddr @${EXEMPT_SETS.from6} accept`,
    `\t\tct direction original ip daddr @${EXEMPT_SETS.to4} accept`,
    `\t\tct direction original ip6 daddr @${EXEMPT_SETS.to6} accept`,
    `\t\tct direction reply ip saddr @${EXEMPT_SETS.to4} accept`,
    `\t\tct direction reply ip6 saddr @${EXEMPT_SETS.to6} accept`,
    // With access rules, exemptions come first: what anyone may reach, a rule cannot deny.
    ...(access
      ? [
          `\t\tct direction original ip saddr @${IPV4_SET} jump access`,
          `\t\tct direction original ip6 saddr @${IPV6_SET} jump access`,
        ]
      : []),
    '\t\tdrop',
    '\t}',
    ...(access ? accessChain(access) : []),
    '\tchain postrouting {',
    '\t\ttype nat hook postrouting priority srcnat; policy accept;',
    ...postrouting,
    '\t}',
    '}',
    '',
  ].join('\n');
}

/**
 * The whole of Kordon's table, as one transaction that replaces it whether or not it exists
 * (declaring an empty table first makes the delete safe).
 *
 * - The forward chain runs at priority `filter - 10`, before a typical filter table, and has
 *   policy accept: only packets entering on an enforced interface are checked (DECISIONS 37).
 * - The check (DECISIONS 53): original direction with the source authorized, or reply direction
 *   with the destination authorized; everything else entering there is dropped. There is no
 *   `ct state established accept` before it, so an ended session's open flows stop (DECISIONS 51).
 *   A packet without conntrack (untracked) has no direction and is dropped: fail closed.
 * - Exemptions (DECISIONS 72) are the same check over other sets: an exempt_from host as if it
 *   were authorized; an exempt_to destination mirrored (original direction toward it, replies from it).
 * - `iifname` (a name match) lets the table name interfaces that do not exist yet.
 * - The tunnel network is masqueraded toward every interface but the tunnel's own.
 */
export function renderRuleset(config: FirewallConfig, tableName: string): string {
  const tunnelInterface = validateInterfaceName(config.tunnelInterface);
  const access = accessParts(config.accessRules, config.profiles);
  return renderTable({
    table: `inet ${validateTableName(tableName)}`,
    enforced: [...new Set([tunnelInterface, ...config.enforcedInterfaces.map(validateInterfaceName)])],
    authorized: splitAddresses(config.authorized),
    exemptions: validateExemptions(config.exemptFrom, config.exemptTo),
    masquerade: { tunnelInterface, network: parseNetwork(config.tunnelNetwork) },
    ...(access ? { access } : {}),
  });
}

/**
 * The boot table (DECISIONS 70): the same table, sets and chains, with nothing authorized, so
 * forwarding that enters on the named interfaces is dropped except for the exemptions until the
 * gateway's install replaces it. At least one interface is required: a boot table that closes
 * nothing is a mistake to report, not to install.
 */
export function renderBootRuleset(config: BootFirewallConfig, tableName: string): string {
  const enforced = [...new Set(config.enforcedInterfaces.map(validateInterfaceName))];
  if (enforced.length === 0) {
    throw new FirewallInputError('the boot table needs at least one interface to enforce');
  }
  return renderTable({
    table: `inet ${validateTableName(tableName)}`,
    enforced,
    authorized: { ipv4: [], ipv6: [] },
    exemptions: validateExemptions(config.exemptFrom, config.exemptTo),
  });
}

/**
 * The table a stop leaves when its clean-up overran (DECISIONS 70): the boot table over the
 * gateway's interfaces, the tunnel's included, since it may still be up.
 */
export function renderClosedRuleset(config: ClosedFirewallConfig, tableName: string): string {
  return renderBootRuleset(
    {
      enforcedInterfaces: [config.tunnelInterface, ...config.enforcedInterfaces],
      exemptFrom: config.exemptFrom,
      exemptTo: config.exemptTo,
    },
    tableName,
  );
}

function elementLines(verb: 'add' | 'delete', table: string, split: SplitAddresses): string[] {
  const lines: string[] = [];
  if (split.ipv4.length > 0) lines.push(`${verb} element ${table} ${IPV4_SET} { ${split.ipv4.join(', ')} }`);
  if (split.ipv6.length > 0) lines.push(`${verb} element ${table} ${IPV6_SET} { ${split.ipv6.join(', ')} }`);
  return lines;
}

/**
 * The lines that take addresses out of every profile set (`profileSets` of them): each element is
 * added first, as `renderRevoke` explains.
 */
function profileRemovalLines(table: string, split: SplitAddresses, profileSets: number): string[] {
  const lines: string[] = [];
  for (let i = 0; i < profileSets; i++) {
    for (const family of [4, 6] as const) {
      const elements = family === 4 ? split.ipv4 : split.ipv6;
      if (elements.length === 0) continue;
      const set = profileSet(i, family);
      lines.push(`add element ${table} ${set} { ${elements.join(', ')} }`);
      lines.push(`delete element ${table} ${set} { ${elements.join(', ')} }`);
    }
  }
  return lines;
}

/**
 * Adds addresses to the sets (adding an element that is there is no error); '' when none. An
 * address named in `profiles` also leaves every profile set and joins those of its own profiles, in
 * the same transaction, so no packet sees it between two memberships. `profileKeys` are the keys of
 * the installed table's profile sets, by set number (`profileKeysOfRules`).
 */
export function renderAllow(
  addresses: readonly string[],
  tableName: string,
  profileKeys: readonly string[] = [],
  profiles: Record<string, readonly string[]> = {},
): string {
  const table = `inet ${validateTableName(tableName)}`;
  const lines = elementLines('add', table, splitAddresses(addresses));
  if (profileKeys.length > 0) {
    const moved = Object.keys(profiles);
    lines.push(...profileRemovalLines(table, splitAddresses(moved), profileKeys.length));
    profileKeys.forEach((key, i) => {
      const members = splitAddresses(moved.filter((address) => profiles[address]?.includes(key)));
      if (members.ipv4.length > 0)
        lines.push(`add element ${table} ${profileSet(i, 4)} { ${members.ipv4.join(', ')} }`);
      if (members.ipv6.length > 0)
        lines.push(`add element ${table} ${profileSet(i, 6)} { ${members.ipv6.join(', ')} }`);
    });
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/**
 * Removes addresses from the sets, the profile sets included; '' when none. nft 1.0.6 has no
 * `destroy element`, and `delete element` fails the whole batch on an absent element, so each
 * element is added first in the same transaction: the net effect is its removal, present or not.
 */
export function renderRevoke(addresses: readonly string[], tableName: string, profileSets = 0): string {
  const table = `inet ${validateTableName(tableName)}`;
  const split = splitAddresses(addresses);
  const lines = [
    ...elementLines('add', table, split),
    ...elementLines('delete', table, split),
    ...profileRemovalLines(table, split, profileSets),
  ];
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/** Empties both sets; the table and its drop rule stay (fail closed, DECISIONS 3). */
export function renderRevokeAll(tableName: string): string {
  const table = `inet ${validateTableName(tableName)}`;
  return `flush set ${table} ${IPV4_SET}\nflush set ${table} ${IPV6_SET}\n`;
}

/** Deletes the table whether or not it exists. */
export function renderRemove(tableName: string): string {
  const table = `inet ${validateTableName(tableName)}`;
  return `table ${table} {}\ndelete table ${table}\n`;
}

function exemptionLines(table: string, exemptions: Exemptions): string[] {
  const lines = Object.values(EXEMPT_SETS).map((set) => `flush set ${table} ${set}`);
  const contents: [string, string[]][] = [
    [EXEMPT_SETS.from4, exemptions.from.ipv4],
    [EXEMPT_SETS.from6, exemptions.from.ipv6],
    [EXEMPT_SETS.to4, exemptions.to.ipv4],
    [EXEMPT_SETS.to6, exemptions.to.ipv6],
  ];
  for (const [set, elements] of contents) {
    if (elements.length > 0) lines.push(`add element ${table} ${set} { ${elements.join(', ')} }`);
  }
  return lines;
}

/**
 * Replaces the contents of the four exemption sets: flushes and adds in one script, so one
 * transaction, and no packet sees them empty in between. Both lists are validated first.
 */
export function renderExemptions(
  exemptFrom: readonly string[],
  exemptTo: readonly string[],
  tableName: string,
): string {
  const table = `inet ${validateTableName(tableName)}`;
  return `${exemptionLines(table, validateExemptions(exemptFrom, exemptTo)).join('\n')}\n`;
}
