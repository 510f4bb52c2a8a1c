// Idempotent set-up: dependencies, the project's Node 24, a native-module check, and
// (as root) the Debian packages the gateway and the test suites need.
// Runs under whatever `node` comes first on PATH (the machine's may be Node 20),
// so it uses only APIs that Node 20 has.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const forTests = process.argv.includes('--test');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const ci = process.env.CI === 'true';

// Debian packages, by who needs them (DECISIONS 43, 46). Lists grow as suites arrive.
// libkrb5-dev and a compiler build the `kerberos` module (single sign-on) during `npm ci`.
const runtimePackages = [
  'openssl',
  'wireguard-go',
  'wireguard-tools',
  'nftables',
  'iproute2',
  'libkrb5-dev',
  'g++',
  'make',
  'python3',
];
const testPackages = [
  'iputils-ping',
  'tmux',
  'postgresql',
  'systemd',
  'samba',
  'samba-ad-provision',
  'samba-dsdb-modules',
  // Provisioning sets the sysvol ACLs through the acl_xattr VFS module (a recommendation of samba's,
  // and the set-up installs without recommends).
  'samba-vfs-modules',
  'winbind',
  'smbclient',
  'krb5-user',
  // /etc/krb5.conf, which the NTLM suite's member host binds its own over (a recommendation of
  // krb5-user's).
  'krb5-config',
  'ldap-utils',
  // Single sign-on tests: a token with a skewed clock (curl's SPNEGO under faketime).
  'curl',
  'faketime',
  // The agent's XDG autostart entry is checked with desktop-file-validate.
  'desktop-file-utils',
  // The console's browser tests (Playwright drives Debian's Chromium, /usr/bin/chromium), and fonts
  // with Cyrillic for its Russian pages (a recommendation of chromium's).
  'chromium',
  'fonts-dejavu-core',
];

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.status !== 0) {
    console.error(`setup: failed: ${cmd} ${args.join(' ')}`);
    process.exit(r.status ?? 1);
  }
}

function missingDebianPackages(names) {
  return names.filter((name) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
    return r.status !== 0 || !r.stdout.includes('install ok installed');
  });
}

function ensureDebianPackages() {
  const wanted = [...runtimePackages, ...(forTests ? testPackages : [])];
  const missing = missingDebianPackages(wanted);
  if (missing.length === 0) return;
  const command = `apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (!isRoot) {
    const msg = `setup: missing Debian packages: ${missing.join(' ')}\n  install them as root: ${command}`;
    if (ci) {
      console.error(msg);
      process.exit(1);
    }
    console.warn(msg);
    return;
  }
  console.log(`setup: installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-q'], { env });
  // Without recommends: wireguard-tools recommends a kernel image, which a gateway does not want.
  run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], { env });
}

function fingerprint() {
  const h = createHash('sha256');
  for (const f of ['package.json', 'package-lock.json', ...workspaceManifests()]) {
    const p = join(root, f);
    h.update(f);
    if (existsSync(p)) h.update(readFileSync(p));
  }
  return h.digest('hex');
}

function workspaceManifests() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return pkg.workspaces.map((w) => `${w}/package.json`);
}

function ensureDependencies() {
  const stamp = join(root, 'node_modules', '.kordon-setup');
  const want = fingerprint();
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return;
  const hasLock = existsSync(join(root, 'package-lock.json'));
  // Native builds (kerberos, N-API) need Node's headers, and node-gyp cannot download them here: the
  // system's (/usr/include/node) serve, whatever a user's ~/.npmrc says.
  const env = { ...process.env };
  if (existsSync('/usr/include/node/node_api.h')) env.npm_config_nodedir = '/usr';
  else delete env.npm_config_nodedir;
  run(
    'npm',
    hasLock
      ? ['ci', '--no-audit', '--no-fund', '--loglevel=error']
      : ['install', '--no-audit', '--no-fund', '--loglevel=error'],
    { env },
  );
  writeFileSync(stamp, fingerprint());
}

const node24 = join(root, 'node_modules', '.bin', 'node');

function checkNode() {
  const r = spawnSync(node24, ['-p', 'process.versions.node'], { encoding: 'utf8' });
  const version = r.stdout?.trim() ?? '';
  if (r.status !== 0 || !version.startsWith('24.')) {
    console.error(`setup: the project's Node 24 is missing at ${node24} (got "${version}"); run: npm ci`);
    process.exit(1);
  }
  // Native modules must load under the Node that runs the project (ARCHITECTURE.md).
  const probe =
    "const D=require('better-sqlite3');const d=new D(':memory:');d.prepare('select 1').get();d.close();";
  const n = spawnSync(node24, ['-e', probe], { cwd: join(root, 'packages', 'gateway'), encoding: 'utf8' });
  if (n.status !== 0) {
    console.error(
      `setup: better-sqlite3 does not load under Node ${version}:\n${n.stderr}\n  reinstall with: rm -rf node_modules && npm ci`,
    );
    process.exit(1);
  }
}

/**
 * Single sign-on's native module must load under Node 24. It is optional, so a gateway without a
 * compiler still starts (Kerberos then answers that it is not installed); the tests need it.
 */
function checkKerberos() {
  const n = spawnSync(node24, ['-e', "require('kerberos').initializeServer"], {
    cwd: join(root, 'packages', 'gateway'),
    encoding: 'utf8',
  });
  if (n.status === 0) return;
  const msg = `setup: the kerberos module (single sign-on) does not load under Node 24:\n${n.stderr}\n  it builds during npm ci with libkrb5-dev, g++, make, python3 and Node's headers in /usr/include/node`;
  if (forTests || ci) {
    console.error(msg);
    process.exit(1);
  }
  console.warn(msg);
}

// DECISIONS 34: launchers in /usr/local/bin that exec the project's Node 24 by absolute path.
function installLaunchers() {
  if (!isRoot || !existsSync('/usr/local/bin')) return;
  const launchers = {
    'kordon-gateway': 'packages/gateway/bin/kordon-gateway.js',
    kordon: 'packages/client/bin/kordon.js',
  };
  for (const [name, script] of Object.entries(launchers)) {
    const target = join('/usr/local/bin', name);
    const body = `#!/bin/sh\nexec '${node24}' '${join(root, script)}' "$@"\n`;
    if (existsSync(target) && readFileSync(target, 'utf8') === body) continue;
    mkdirSync('/usr/local/bin', { recursive: true });
    writeFileSync(target, body);
    chmodSync(target, 0o755);
  }
}

ensureDebianPackages();
ensureDependencies();
checkNode();
checkKerberos();
installLaunchers();
