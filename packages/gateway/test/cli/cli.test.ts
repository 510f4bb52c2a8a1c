// The `kordon-gateway` program as a user runs it: the built CLI under the project's Node 24.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, spawnCli } from '../support/cli.js';
import { startGatewayProcess } from '../support/gateway-process.js';
import { httpsRequest } from '../support/https.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kordon-cli-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('user, token, installer and settings commands', () => {
  it('adds and lists users, the password from stdin only', async () => {
    const data = join(dir, 'users');
    expect(
      await cli(['user', 'add', 'Alice', '--password-stdin', '--data-dir', data], 'pw-1\n'),
    ).toMatchObject({
      code: 0,
      stdout: 'added user alice\n',
    });
    const list = await cli(['user', 'list', '--json', '--data-dir', data]);
    expect(JSON.parse(list.stdout)).toMatchObject({ items: [{ name: 'alice', disabled: false }] });
    const dup = await cli(['user', 'add', 'alice', '--password-stdin', '--data-dir', data], 'pw\n');
    expect(dup).toMatchObject({ code: 2, stderr: 'kordon-gateway: a user named "alice" exists\n' });
    const argv = await cli(['user', 'add', 'bob', 'secret', '--data-dir', data]);
    expect(argv.code).toBe(2);
    const noStdin = await cli(['user', 'add', 'bob', '--password-stdin', '--data-dir', data], '');
    expect(noStdin).toMatchObject({
      code: 2,
      stderr: 'kordon-gateway: the password on standard input is empty\n',
    });
    const domain = await cli(['user', 'add', 'CORP\\bob', '--password-stdin', '--data-dir', data], 'x\n');
    expect(domain.code).toBe(2);
    expect(domain.stderr).toContain('has no domain part');
    expect(
      await cli(['user', 'passwd', 'ALICE', '--password-stdin', '--data-dir', data], 'pw-2\n'),
    ).toMatchObject({ code: 0 });
    expect(await cli(['user', 'remove', 'alice', '--data-dir', data])).toMatchObject({
      code: 0,
      stdout: 'removed user alice\n',
    });
    expect(await cli(['user', 'remove', 'alice', '--data-dir', data])).toMatchObject({ code: 2 });
  });

  it('manages groups and VPN-access rules (DECISIONS 17, 41)', async () => {
    const d = ['--data-dir', join(dir, 'rules')];
    await cli(['user', 'add', 'bob', '--password-stdin', ...d], 'pw\n');
    expect(await cli(['group', 'add', 'Remote', ...d])).toMatchObject({
      code: 0,
      stdout: 'added group remote\n',
    });
    expect(await cli(['group', 'add-member', 'remote', 'CORP\\Bob', ...d])).toMatchObject({ code: 0 });
    expect((await cli(['group', 'add-member', 'remote', 'nobody', ...d])).stderr).toContain(
      'no user named "nobody"',
    );
    expect(JSON.parse((await cli(['group', 'list', '--json', ...d])).stdout)).toMatchObject({
      items: [{ name: 'remote', members: ['bob'] }],
    });
    const empty = await cli(['vpn-rule', 'list', ...d]);
    expect(empty.stdout).toBe('no rules: VPN access from outside is denied to everyone\n');
    const added = await cli(['vpn-rule', 'add', '--groups', 'remote', '--allow', '--json', ...d]);
    expect(JSON.parse(added.stdout)).toMatchObject({
      position: 10,
      action: 'allow',
      users: [],
      groups: ['remote'],
    });
    const deny = await cli([
      'vpn-rule',
      'add',
      '--users',
      'eve,*',
      '--deny',
      '--position',
      '5',
      '--json',
      ...d,
    ]);
    expect(JSON.parse(deny.stdout)).toMatchObject({ position: 5, action: 'deny', users: ['eve', '*'] });
    const listed = JSON.parse((await cli(['vpn-rule', 'list', '--json', ...d])).stdout) as {
      items: { id: string }[];
    };
    expect(listed.items.map((r) => (r as unknown as { position: number }).position)).toEqual([5, 10]);
    expect((await cli(['vpn-rule', 'add', '--allow', ...d])).stderr).toContain('a rule names users');
    expect((await cli(['vpn-rule', 'add', '--users', 'a b', ...d])).code).toBe(2);
    expect(await cli(['vpn-rule', 'remove', listed.items[0]!.id, ...d])).toMatchObject({ code: 0 });
    // Removing a user also removes their memberships.
    await cli(['user', 'remove', 'bob', ...d]);
    expect(JSON.parse((await cli(['group', 'list', '--json', ...d])).stdout)).toMatchObject({
      items: [{ name: 'remote', members: [] }],
    });
  });

  it('exports the event log as JSON lines (DECISIONS 23)', async () => {
    const d = ['--data-dir', join(dir, 'events')];
    await cli(['user', 'add', 'ann', '--password-stdin', ...d], 'pw\n');
    await cli(['user', 'remove', 'ann', ...d]);
    const r = await cli(['events', '--json-lines', ...d]);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toMatchObject([
      { kind: 'user_changed', account: 'ann', detail: 'user removed by the CLI' },
      { kind: 'user_changed', account: 'ann', detail: 'user created by the CLI' },
    ]);
    expect((await cli(['events', '--limit', '0', ...d])).code).toBe(2);
  });

  it('creates a token and prints it once', async () => {
    const data = join(dir, 'tokens');
    const plain = await cli(['token', 'create', '--name', 'ci', '--data-dir', data]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/^[A-Za-z0-9_-]{43}\n$/);
    const json = await cli([
      'token',
      'create',
      '--name',
      'ro',
      '--role',
      'viewer',
      '--json',
      '--data-dir',
      data,
    ]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      name: 'ro',
      role: 'viewer',
      token: expect.any(String),
      id: expect.any(String),
    });
    expect((await cli(['token', 'create', '--name', 'x', '--role', 'root', '--data-dir', data])).code).toBe(
      2,
    );
  });

  it('registers an installer', async () => {
    const data = join(dir, 'installers');
    const file = join(dir, 'Kordon-1.2.3.msi');
    writeFileSync(file, 'msi bytes');
    const r = await cli([
      'installer',
      'add',
      '--os',
      'windows',
      '--version',
      '1.2.3',
      file,
      '--json',
      '--data-dir',
      data,
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      os: 'windows',
      version: '1.2.3',
      file_name: 'Kordon-1.2.3.msi',
      size: 9,
      policy: 'exact',
    });
    expect(readFileSync(join(data, 'installers', 'Kordon-1.2.3.msi'), 'utf8')).toBe('msi bytes');
    const bad = await cli([
      'installer',
      'add',
      '--os',
      'beos',
      '--version',
      '1.2.3',
      file,
      '--data-dir',
      data,
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('beos');
  });

  it('gets and sets settings with the API’s rules', async () => {
    const data = join(dir, 'settings');
    const fresh = await cli(['settings', 'get', '--json', '--data-dir', data]);
    expect(JSON.parse(fresh.stdout)).toStrictEqual({
      enabled: true,
      auth_domain: null,
      local_tunnel: false,
      device_vpn: false,
      trusted_ca_cert: null,
    });
    expect(
      (await cli(['settings', 'set', 'local_tunnel=true', 'auth_domain=gw.corp.example', '--data-dir', data]))
        .code,
    ).toBe(0);
    expect(JSON.parse((await cli(['settings', 'get', '--json', '--data-dir', data])).stdout)).toMatchObject({
      local_tunnel: true,
      auth_domain: 'gw.corp.example',
    });
    const bad = await cli(['settings', 'set', 'auth_domain=-bad-', '--data-dir', data]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('auth_domain');
    const vpn = await cli(['settings', 'set', 'device_vpn=true', '--data-dir', data]);
    expect(vpn.code).toBe(2);
    expect(vpn.stderr).toContain('trusted_ca_cert is required when device_vpn is true');
    expect((await cli(['settings', 'set', 'typo=1', '--data-dir', data])).stderr).toContain(
      'unknown setting "typo"',
    );
  });
});

describe('start', () => {
  it('creates the first administrator, serves, and stops gracefully on SIGTERM', async () => {
    const data = join(dir, 'start');
    const gateway = await startGatewayProcess(data, []);
    const out = gateway.output();
    const passwordFile = join(data, 'initial-admin-password');
    expect(statSync(passwordFile).mode & 0o777).toBe(0o600);
    const password = readFileSync(passwordFile, 'utf8').trim();
    expect(out).toContain(passwordFile);
    expect(out).not.toContain(password);
    expect(out).toMatch(/"fingerprint":"([0-9A-F]{2}:){31}[0-9A-F]{2}"/);
    const { ca } = gateway;
    const login = await httpsRequest(gateway.adminPort, '/api/v1/login', ca, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'admin', password }),
    });
    expect(login.status).toBe(200);
    expect((await httpsRequest(gateway.clientPort, '/connect', ca)).status).toBe(200);
    expect(await gateway.stop()).toBe(0);
  });

  it('logs readable lines with --log-format pretty, and says in words where things are (DECISIONS 74)', async () => {
    const data = join(dir, 'pretty');
    const child = spawnCli([
      'start',
      '--log-format',
      'pretty',
      '--workers',
      '1',
      '--data-dir',
      data,
      '--listen',
      '127.0.0.1:0',
      '--admin-listen',
      '127.0.0.1:0',
    ]);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise<void>((done, fail) => {
      const timer = setInterval(() => {
        if (out.includes('gateway started')) {
          clearInterval(timer);
          done();
        }
      }, 50);
      child.once('exit', () => fail(new Error(`exited early:\n${out}`)));
    });
    const lines = out.split('\n').filter((line) => line.trim() !== '');
    // Time, level, message: no JSON object per line.
    expect(lines.every((line) => !line.trimStart().startsWith('{'))).toBe(true);
    expect(out).toMatch(
      /\[\d\d:\d\d:\d\d\.\d{3}\] INFO: gateway started: clients connect to wss:\/\/127\.0\.0\.1:\d+\/connect/,
    );
    expect(out).toContain(`data directory ${data}`);
    expect(out).toContain(join(data, 'initial-admin-password'));
    expect(out).toMatch(/SHA-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}/);
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses a configuration file with an unknown key, naming file, line and key', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'listen: 127.0.0.1:0\nlocal-network: 10.0.0.0/8\n');
    const r = await cli(['start', '--config', file, '--data-dir', join(dir, 'cfg')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:2: local-network: unknown option`);
  });

  it('refuses a bad value, naming where it came from', async () => {
    const r = await cli(['start', '--local-networks', '10.0.0.0/33', '--data-dir', join(dir, 'cfg')]);
    expect(r).toMatchObject({ code: 2 });
    expect(r.stderr).toContain('--local-networks: "10.0.0.0/33" has an invalid prefix length');
  });

  it('refuses a tunnel network inside the local networks (DECISIONS 16)', async () => {
    const r = await cli([
      'start',
      '--local-networks',
      '10.0.0.0/8,100.64.0.0/10',
      '--tunnel-network',
      '100.64.0.0/16',
      '--data-dir',
      join(dir, 'overlap'),
    ]);
    expect(r).toMatchObject({ code: 2 });
    expect(r.stderr).toContain(
      '--tunnel-network 100.64.0.0/16 overlaps the local network 100.64.0.0/10 (--local-networks)',
    );
  });

  it('refuses --client-interfaces without a firewall that can run, unless --firewall none (DECISIONS 70)', async () => {
    // The tests' environment has KORDON_FIREWALL=none; auto, as a non-root user or without nft, must refuse.
    const r = await cli(
      ['start', '--client-interfaces', 'lan0', '--firewall', 'auto', '--data-dir', join(dir, 'nofw')],
      '',
      { PATH: '/nonexistent' },
    );
    expect(r).toMatchObject({ code: 2 });
    expect(r.stderr).toContain('--client-interfaces lan0 needs the nftables firewall, which cannot run here');
    expect(r.stderr).toContain('--firewall none');
  });

  it('stops with a clear message on a corrupt database, and leaves it alone', async () => {
    const data = join(dir, 'corrupt');
    await cli(['user', 'list', '--data-dir', data]);
    const db = join(data, 'kordon.db');
    writeFileSync(db, Buffer.alloc(8192, 7));
    const r = await cli([
      'start',
      '--data-dir',
      data,
      '--listen',
      '127.0.0.1:0',
      '--admin-listen',
      '127.0.0.1:0',
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('is not a readable Kordon database');
    expect(readFileSync(db).equals(Buffer.alloc(8192, 7))).toBe(true);
  });
});
