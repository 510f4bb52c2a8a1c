// Server discovery through real DNS: a loopback DNS server answers SRV, A and AAAA from a table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientError } from '../../src/discovery/errors.js';
import { dnsDeps, resolveCandidates, type DnsDeps } from '../../src/discovery/resolve.js';
import { type DnsServer, startDnsServer } from './dns-server.js';

let dns: DnsServer;
let deps: DnsDeps;

beforeAll(async () => {
  dns = await startDnsServer({
    // Two priorities; priority 10 has weights 0, 10 and 30 (weight 0 first in the running sum).
    '_ideco-client._tcp.gw.corp.test': {
      srv: [
        { priority: 20, weight: 5, port: 2001, target: 'late.corp.test' },
        { priority: 10, weight: 10, port: 1010, target: 'ten.corp.test' },
        { priority: 10, weight: 0, port: 1000, target: 'zero.corp.test' },
        { priority: 10, weight: 30, port: 1030, target: 'thirty.corp.test.' },
      ],
    },
    'gw.corp.test': { a: ['127.0.0.9'] },
    '_ideco-client._tcp.closed.corp.test': { srv: [{ priority: 0, weight: 0, port: 0, target: '.' }] },
    'closed.corp.test': { a: ['127.0.0.9'] },
    'plain.corp.test': { a: ['127.0.0.7'] },
    'v6only.corp.test': { aaaa: ['::1'] },
    'noaddress.corp.test': {},
  });
  deps = dnsDeps({ servers: [dns.server], timeoutMs: 1000, tries: 1 });
});

afterAll(async () => {
  await dns.close();
});

/** A random source that plays back the given numbers. */
function script(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length] ?? 0;
}

describe('resolveCandidates through DNS', () => {
  it('orders SRV targets by priority, then by RFC 2782 weight, with each record’s port', async () => {
    // sum 40, r = floor(0.99 * 41) = 40 -> thirty (running 0, 10, 40); then sum 10, r = floor(0.5 * 11) = 5
    // -> ten (running 0, 10); then zero alone; then late.
    const candidates = await resolveCandidates('gw.corp.test', deps, script(0.99, 0.5, 0.5, 0.5));
    expect(candidates).toEqual([
      { host: 'thirty.corp.test', port: 1030, viaSrv: true },
      { host: 'ten.corp.test', port: 1010, viaSrv: true },
      { host: 'zero.corp.test', port: 1000, viaSrv: true },
      { host: 'late.corp.test', port: 2001, viaSrv: true },
    ]);
    expect(dns.questions).toContainEqual({ name: '_ideco-client._tcp.gw.corp.test', type: 'SRV' });
  });

  it('picks the weight-0 record first only when the random number is 0', async () => {
    const candidates = await resolveCandidates('gw.corp.test', deps, script(0));
    expect(candidates.map((c) => c.host)).toEqual([
      'zero.corp.test',
      'ten.corp.test',
      'thirty.corp.test',
      'late.corp.test',
    ]);
  });

  it('keeps using SRV when the profile gives a port (the SRV port wins: DECISIONS 39)', async () => {
    const candidates = await resolveCandidates('GW.corp.test:9999', deps, script(0));
    expect(candidates[0]).toEqual({ host: 'zero.corp.test', port: 1000, viaSrv: true });
  });

  it('falls back to the name itself on 14765 when there is no SRV record', async () => {
    dns.questions.length = 0;
    expect(await resolveCandidates('plain.corp.test', deps)).toEqual([
      { host: 'plain.corp.test', port: 14765, viaSrv: false },
    ]);
    expect(dns.questions.map((q) => `${q.type} ${q.name}`)).toEqual(
      expect.arrayContaining(['SRV _ideco-client._tcp.plain.corp.test', 'A plain.corp.test']),
    );
  });

  it('uses the given port without SRV records, and accepts an AAAA-only name', async () => {
    expect(await resolveCandidates('plain.corp.test:4443', deps)).toEqual([
      { host: 'plain.corp.test', port: 4443, viaSrv: false },
    ]);
    expect(await resolveCandidates('v6only.corp.test', deps)).toEqual([
      { host: 'v6only.corp.test', port: 14765, viaSrv: false },
    ]);
  });

  it('reports a name with neither SRV nor A/AAAA records as server_not_found', async () => {
    for (const name of ['missing.corp.test', 'noaddress.corp.test']) {
      const error = await resolveCandidates(name, deps).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ClientError);
      expect((error as ClientError).code).toBe('server_not_found');
      expect((error as ClientError).message).toContain(
        `kordon could not find the server ${name}: no SRV or A/AAAA record`,
      );
    }
  });

  it('reports the SRV target "." as service_unavailable, without falling back to the A record', async () => {
    dns.questions.length = 0;
    const error = await resolveCandidates('closed.corp.test', deps).catch((e: unknown) => e);
    expect((error as ClientError).code).toBe('service_unavailable');
    expect((error as ClientError).message).toContain('_ideco-client._tcp.closed.corp.test');
    expect((error as ClientError).message).toContain('target "."');
    expect(dns.questions.filter((q) => q.type === 'A')).toEqual([]);
  });

  it('asks DNS nothing for IP addresses', async () => {
    dns.questions.length = 0;
    expect(await resolveCandidates('127.0.0.5', deps)).toEqual([
      { host: '127.0.0.5', port: 14765, viaSrv: false },
    ]);
    expect(await resolveCandidates('127.0.0.5:444', deps)).toEqual([
      { host: '127.0.0.5', port: 444, viaSrv: false },
    ]);
    expect(await resolveCandidates('[::1]:8443', deps)).toEqual([{ host: '::1', port: 8443, viaSrv: false }]);
    expect(await resolveCandidates('fe80::1', deps)).toEqual([
      { host: 'fe80::1', port: 14765, viaSrv: false },
    ]);
    expect(dns.questions).toEqual([]);
  });
});
