// The rules a client-authorization settings object must satisfy as a whole (PROTOCOL.md "Management REST
// API", DECISIONS 13), beyond the types the schema checks. Returns the normalized settings or throws.
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import type { ClientSettings } from '@kordon/core';
import { AdminError, invalidField } from './errors.js';

export function checkClientSettings(settings: ClientSettings): ClientSettings {
  const authDomain = settings.auth_domain === null ? null : checkAuthDomain(settings.auth_domain);
  if (settings.trusted_ca_cert !== null) checkTrustedCaCert(settings.trusted_ca_cert);
  if (settings.device_vpn && settings.trusted_ca_cert === null) {
    throw new AdminError(
      'missing_field',
      'trusted_ca_cert is required when device_vpn is true: give the PEM of the CA (and intermediate CAs) that issue device certificates',
      '/trusted_ca_cert',
    );
  }
  return { ...settings, auth_domain: authDomain };
}

const label = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * The gateway's address for clients: an IPv4/IPv6 literal or an RFC 1123 host name. One trailing dot
 * (a fully qualified spelling) is accepted and removed.
 */
function checkAuthDomain(value: string): string {
  const field = '/auth_domain';
  if (value === '') {
    throw invalidField(
      field,
      "auth_domain must not be empty: give the gateway's DNS name or IP address, or null",
    );
  }
  if (isIP(value) !== 0) return value;
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  const labels = name.split('.');
  const problem =
    name.length > 253
      ? 'is longer than 253 characters'
      : !labels.every((part) => label.test(part))
        ? 'must be a host name (labels of 1 to 63 letters, digits and "-", not starting or ending with "-", separated by ".") or an IP address'
        : /^[0-9]+$/.test(labels[labels.length - 1] ?? '')
          ? 'looks like an IP address but is not a valid one'
          : undefined;
  if (problem !== undefined) throw invalidField(field, `auth_domain ${problem}`);
  return name;
}

const pemBlock = /-----BEGIN CERTIFICATE-----([^-]*)-----END CERTIFICATE-----/g;

/** One or more PEM CA certificates and nothing but whitespace around them (DECISIONS: Device VPN chain). */
function checkTrustedCaCert(pem: string): void {
  const field = '/trusted_ca_cert';
  const blocks = [...pem.matchAll(pemBlock)];
  const outside = pem.replaceAll(pemBlock, '');
  if (blocks.length === 0 || outside.trim() !== '') {
    throw invalidField(
      field,
      'trusted_ca_cert must be PEM text of one or more CA certificates ("-----BEGIN CERTIFICATE-----" blocks) and nothing else',
    );
  }
  blocks.forEach((block, index) => {
    const which = blocks.length === 1 ? 'the certificate' : `certificate ${index + 1}`;
    const body = block[1] ?? '';
    let certificate: X509Certificate;
    try {
      if (!/^[A-Za-z0-9+/=\s]+$/.test(body)) throw new Error('not base64');
      certificate = new X509Certificate(Buffer.from(body.replace(/\s+/g, ''), 'base64'));
    } catch {
      throw invalidField(field, `trusted_ca_cert: ${which} is not a valid X.509 certificate`);
    }
    if (!certificate.ca) {
      throw invalidField(
        field,
        `trusted_ca_cert: ${which} (${certificate.subject.replaceAll('\n', ', ')}) is not a CA certificate (its basic constraints lack CA:TRUE); give the CA that issues device certificates`,
      );
    }
  });
}
