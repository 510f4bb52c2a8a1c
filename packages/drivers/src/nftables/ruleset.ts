// The nft scripts Kordon applies: pure text, built only from validated parts (addresses.ts).
import type { FirewallConfig } from '@kordon/core';
import {
  parseNetwork,
  splitAddresses,
  validateInterfaceName,
  validateTableName,
  type SplitAddresses,
} from './addresses.js';

export const IPV4_SET = 'auth4';
export const IPV6_SET = 'auth6';

function quoted(names: readonly string[]): string {
  return names.map((name) => `"${name}"`).join(', ');
}

function setBlock(name: string, type: string, elements: readonly string[]): string[] {
  const lines = [`\tset ${name} {`, `\t\ttype ${type}`];
  // nft refuses an empty `elements = { }`.
  if (elements.length > 0) lines.push(`\t\telements = { ${elements.join(', ')} }`);
  lines.push('\t}');
  return lines;
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
 * - `iifname` (a name match) lets the table name interfaces that do not exist yet.
 * - The tunnel network is masqueraded toward every interface but the tunnel's own.
 */
export function renderRuleset(config: FirewallConfig, tableName: string): string {
  const table = `inet ${validateTableName(tableName)}`;
  const tunnelInterface = validateInterfaceName(config.tunnelInterface);
  const enforced = [...new Set([tunnelInterface, ...config.enforcedInterfaces.map(validateInterfaceName)])];
  const network = parseNetwork(config.tunnelNetwork);
  const { ipv4, ipv6 } = splitAddresses(config.authorized);
  const ipKeyword = network.family === 4 ? 'ip' : 'ip6';
  return [
    `table ${table} {}`,
    `delete table ${table}`,
    `table ${table} {`,
    ...setBlock(IPV4_SET, 'ipv4_addr', ipv4),
    ...setBlock(IPV6_SET, 'ipv6_addr', ipv6),
    '\tchain forward {',
    '\t\ttype filter hook forward priority filter - 10; policy accept;',
    `\t\tiifname { ${quoted(enforced)} } jump enforce`,
    '\t}',
    '\tchain enforce {',
    `\t\tct direction original ip saddr @${IPV4_SET} accept`,
    `\t\tct direction original ip6 saddr @${IPV6_SET} accept`,
    `\t\tct direction reply ip daddr @${IPV4_SET} accept`,
    `\t\tct direction reply ip6 daddr @${IPV6_SET} accept`,
    '\t\tdrop',
    '\t}',
    '\tchain postrouting {',
    '\t\ttype nat hook postrouting priority srcnat; policy accept;',
    `\t\toifname != "${tunnelInterface}" ${ipKeyword} saddr ${network.address}/${network.prefixLength} masquerade`,
    '\t}',
    '}',
    '',
  ].join('\n');
}

function elementLines(verb: 'add' | 'delete', table: string, split: SplitAddresses): string[] {
  const lines: string[] = [];
  if (split.ipv4.length > 0) lines.push(`${verb} element ${table} ${IPV4_SET} { ${split.ipv4.join(', ')} }`);
  if (split.ipv6.length > 0) lines.push(`${verb} element ${table} ${IPV6_SET} { ${split.ipv6.join(', ')} }`);
  return lines;
}

/** Adds addresses to the sets (adding an element that is there is no error); '' when none. */
export function renderAllow(addresses: readonly string[], tableName: string): string {
  const lines = elementLines('add', `inet ${validateTableName(tableName)}`, splitAddresses(addresses));
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/**
 * Removes addresses from the sets; '' when none. nft 1.0.6 has no `destroy element`, and
 * `delete element` fails the whole batch on an absent element, so each element is added first
 * in the same transaction: the net effect is its removal, present or not.
 */
export function renderRevoke(addresses: readonly string[], tableName: string): string {
  const table = `inet ${validateTableName(tableName)}`;
  const split = splitAddresses(addresses);
  const lines = [...elementLines('add', table, split), ...elementLines('delete', table, split)];
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
