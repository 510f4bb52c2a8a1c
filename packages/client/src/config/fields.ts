/**
 * Checks of single profile fields, shared by the administrator's configuration and the user's own profiles.
 * Each check returns undefined when the value is good, else a reason in words for a person.
 */
import { isIPv6 } from 'node:net';

export interface ServerAddress {
  /** The host as written, without brackets for an IPv6 literal. */
  host: string;
  port?: number;
  kind: 'dns' | 'ipv4' | 'ipv6';
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const PORT = /^[1-9]\d{0,4}$/;
// A control character anywhere (C0, DEL, C1): never meant in a name, a login or a path.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** A profile's server: a host name, an IPv4 literal or an IPv6 literal, optionally with `:port` (IPv6 then in brackets). */
export function parseServerAddress(text: string): ServerAddress | undefined {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1) return undefined;
    const host = text.slice(1, close);
    if (!isIPv6(host)) return undefined;
    const rest = text.slice(close + 1);
    if (rest === '') return { host, kind: 'ipv6' };
    const port = rest.startsWith(':') ? parsePort(rest.slice(1)) : undefined;
    return port === undefined ? undefined : { host, port, kind: 'ipv6' };
  }
  if (isIPv6(text)) return { host: text, kind: 'ipv6' };
  const colon = text.lastIndexOf(':');
  const host = colon === -1 ? text : text.slice(0, colon);
  let port: number | undefined;
  if (colon !== -1) {
    port = parsePort(text.slice(colon + 1));
    if (port === undefined) return undefined;
  }
  const kind = IPV4.test(host) ? 'ipv4' : isHostName(host) ? 'dns' : undefined;
  if (kind === undefined) return undefined;
  return port === undefined ? { host, kind } : { host, port, kind };
}

function parsePort(text: string): number | undefined {
  if (!PORT.test(text)) return undefined;
  const port = Number(text);
  return port <= 65535 ? port : undefined;
}

/** RFC 1123 host names; an all-numeric last label is refused, since "10.0.0" is a mistyped address, not a name. */
function isHostName(host: string): boolean {
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split('.');
  if (!labels.every((label) => LABEL.test(label))) return false;
  return !/^\d+$/.test(labels[labels.length - 1] ?? '');
}

export function checkServer(value: string): string | undefined {
  if (value === '') return 'must not be empty';
  if (parseServerAddress(value) !== undefined) return undefined;
  return `must be a host name, an IPv4 address or an IPv6 address, optionally with ":port" (IPv6 then in brackets, e.g. "[2001:db8::1]:14765"), not ${JSON.stringify(value)}`;
}

const SHA256_PLAIN = /^[0-9A-Fa-f]{64}$/;
const SHA256_COLONS = /^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){31}$/;

export function checkSha256Fingerprint(value: string): string | undefined {
  if (SHA256_PLAIN.test(value) || SHA256_COLONS.test(value)) return undefined;
  return 'must be a SHA-256 fingerprint: 64 hexadecimal digits, optionally in pairs separated by colons (AB:CD:...)';
}

/** The fingerprint as 64 lower-case hex digits, for comparing with a certificate's (DECISIONS 24). */
export function normalizeSha256Fingerprint(value: string): string {
  return value.replaceAll(':', '').toLowerCase();
}

export function checkCaFile(value: string): string | undefined {
  if (value === '') return 'must not be empty';
  if (CONTROL.test(value)) return 'must not contain control characters';
  // The daemon reads it, from its own working folder: a relative path would point anywhere.
  if (!value.startsWith('/')) return `must be an absolute path to a PEM file, not ${JSON.stringify(value)}`;
  return undefined;
}

export function checkLogin(value: string): string | undefined {
  if (value === '') return 'must not be empty';
  if (CONTROL.test(value)) return 'must not contain control characters';
  if (value.trim() !== value) return 'must not begin or end with spaces';
  if (value.length > 256) return 'must be at most 256 characters long';
  return undefined;
}

export function checkProfileName(value: string): string | undefined {
  if (value === '') return 'must not be empty';
  if (CONTROL.test(value)) return 'must not contain control characters';
  if (value.trim() !== value) return 'must not begin or end with spaces';
  if (value.length > 128) return 'must be at most 128 characters long';
  return undefined;
}

export function checkProfileId(value: string): string | undefined {
  if (value === '') return 'must not be empty';
  if (CONTROL.test(value)) return 'must not contain control characters';
  if (value.trim() !== value) return 'must not begin or end with spaces';
  if (value.length > 128) return 'must be at most 128 characters long';
  return undefined;
}
