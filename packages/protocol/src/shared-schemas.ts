/** Schemas and bounds shared by several messages; the bounds keep a hostile peer from making huge values. */
import Type from 'typebox';

/** Integers on the wire (version parts, timeouts, periods) are 31-bit: every implementation's int holds them. */
export const INT31_MAX = 2_147_483_647;

/** Entries in any list of a message (processes, updates, networks, ...). */
export const LIST_MAX = 4096;

export const CLIENT_OSES = ['windows', 'macos', 'linux'] as const;
export type ClientOs = (typeof CLIENT_OSES)[number];

export const ClientOsSchema = Type.Enum(CLIENT_OSES);

export const VersionPart = Type.Integer({ minimum: 0, maximum: INT31_MAX });

/**
 * A WireGuard key: standard base64 of exactly 32 bytes. The last character before "=" carries
 * 4 data bits and 2 zero bits, so only 16 letters fit there (`wg` rejects the others too).
 */
export const WireGuardKey = Type.String({
  pattern: '^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$',
  description: 'a WireGuard key (standard base64 of 32 bytes: 44 characters ending in "=")',
});

const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4 = `${OCTET}(\\.${OCTET}){3}`;

export const Ipv4Address = Type.String({
  pattern: `^${IPV4}$`,
  description: 'an IPv4 address such as "100.64.0.1"',
});

export const Ipv4Network = Type.String({
  pattern: `^${IPV4}/(3[0-2]|[12]?[0-9])$`,
  description: 'an IPv4 address with a prefix length, such as "100.64.0.0/16"',
});

// An IPv6 network as `ip` and `wg` take it: hex groups, at most one "::", an optional dotted tail.
const IPV6 = '(?=[0-9A-Fa-f:.]{2,45}/)([0-9A-Fa-f]{0,4}:){1,7}([0-9A-Fa-f]{0,4}|' + IPV4 + ')';

/** An IPv4 or IPv6 network: what a gateway may route into the tunnel (DECISIONS 63). */
export const IpNetwork = Type.String({
  pattern: `^(${IPV4}/(3[0-2]|[12]?[0-9])|${IPV6}/(12[0-8]|1[01][0-9]|[1-9]?[0-9]))$`,
  description: 'an IPv4 or IPv6 address with a prefix length, such as "100.64.0.0/16" or "fd00::/64"',
});
