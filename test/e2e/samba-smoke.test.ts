// The Samba AD DC harness itself (support/samba.ts): one real DC per suite, in a namespace of its own,
// answering LDAPS with a certificate the test CA verifies, with users, disabled users and nested groups,
// and SMB logins, without a line written to the machine's /var/log/samba or /run/samba.
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '@kordon/drivers';
import { sambaMissing, startSambaDc, tcpOpen, type SambaDc } from './support/samba.js';

const missing = await sambaMissing();
const accountDisable = 2;
const alicePassword = 'Alice-Passw0rd.1';
/** The machine's Samba folders: what a DC of ours must never write to. */
const machineLogs = ['/var/log/samba/log.smbd', '/var/log/samba/log.winbindd'];
const machineRun = '/run/samba';

/** Size and mtime of each of the machine's Samba logs that exists, and what /run/samba holds. */
function machineSamba(): Record<string, string> {
  const state: Record<string, string> = {};
  for (const file of machineLogs) {
    try {
      const st = statSync(file);
      state[file] = `${st.size} bytes, mtime ${st.mtimeMs}`;
    } catch {
      state[file] = 'absent';
    }
  }
  try {
    state[machineRun] = readdirSync(machineRun).sort().join(' ');
  } catch {
    state[machineRun] = 'absent';
  }
  return state;
}

describe.skipIf(missing !== undefined)('a Samba AD DC for the tests', () => {
  let dc: SambaDc;
  let beforeStart: Record<string, string>;

  beforeAll(async () => {
    beforeStart = machineSamba();
    dc = await startSambaDc({ id: 'smoke' });
    console.log(
      `samba DC: provision ${dc.timings.provisionMs} ms (set-up in all ${dc.timings.setupMs} ms), ` +
        `serving ${dc.timings.startMs} ms after start`,
    );
    await dc.addUser('alice', alicePassword);
    await dc.addUser('carol', 'Carol-Passw0rd.1', { disabled: true });
    await dc.addUser('dave', 'Dave-Passw0rd.1', { upn: 'dave.other@corp.test' });
    await dc.addGroup('staff');
    await dc.addGroup('vpn-users');
    await dc.addMembers('staff', ['alice']);
    await dc.addMembers('vpn-users', ['staff']);
  });

  afterAll(async () => {
    // undefined when beforeAll failed before the DC existed
    await (dc as SambaDc | undefined)?.remove();
  });

  it('serves LDAPS with a certificate for its FQDN, signed by the test CA', async () => {
    expect(await handshake(dc.hostName)).toBe('ok');
    // Verification is real: another name, or the bare address, is refused.
    expect(await handshake('other.corp.test')).toMatch(/altnames/i);
    expect(await handshake(undefined)).toMatch(/IP: 198\.18\.|altnames/i);
  });

  it('binds alice with her password and refuses a wrong one', async () => {
    await dc.bind(dc.userDn('alice'), alicePassword);
    await dc.bind('alice@corp.test', alicePassword);
    await dc.bind('CORP\\alice', alicePassword);
    await expect(dc.bind(dc.userDn('alice'), 'wrong-Passw0rd')).rejects.toThrow(/Invalid credentials \(49\)/);
    // The user principal name given at creation binds too.
    await dc.bind('dave.other@corp.test', 'Dave-Passw0rd.1');
  });

  it('takes a reset password at once: the old one no longer binds', async () => {
    await dc.setPassword('dave', 'Dave-Passw0rd.2');
    await dc.bind('dave.other@corp.test', 'Dave-Passw0rd.2');
    // Samba's own default (old password allowed period = 60) would still accept the old one here.
    await expect(dc.bind('dave.other@corp.test', 'Dave-Passw0rd.1')).rejects.toThrow(/Invalid credentials/);
  });

  it('finds alice in vpn-users through staff (LDAP_MATCHING_RULE_IN_CHAIN)', async () => {
    const groups = await dc.ldapSearch({
      filter: `(member:1.2.840.113556.1.4.1941:=${dc.userDn('alice')})`,
      attributes: ['cn'],
    });
    expect(groups.map((g) => g.attributes['cn']?.[0]).sort()).toEqual(['staff', 'vpn-users']);
    const [alice] = await dc.ldapSearch({ filter: '(sAMAccountName=alice)', attributes: ['memberOf'] });
    expect(alice?.attributes['memberOf']).toEqual([`CN=staff,CN=Users,${dc.baseDn}`]);
  });

  it('marks carol disabled (ACCOUNTDISABLE) and refuses her bind', async () => {
    const [carol] = await dc.ldapSearch({
      filter: '(sAMAccountName=carol)',
      attributes: ['userAccountControl'],
    });
    expect(Number(carol?.attributes['userAccountControl']?.[0]) & accountDisable).toBe(accountDisable);
    // AD's sub-code 533: the account is disabled.
    await expect(dc.bind(dc.userDn('carol'), 'Carol-Passw0rd.1')).rejects.toThrow(/data 533/);
  });

  it('gives a working krb5.conf for its realm', async () => {
    // kinit reads the password from stdin when it has no terminal (setsid).
    await dc.run(
      'env',
      [`KRB5_CONFIG=${dc.krb5Conf}`, 'KRB5CCNAME=MEMORY:', 'setsid', '--wait', 'kinit', 'alice'],
      {
        stdin: `${alicePassword}\n`,
      },
    );
  });

  it('stop() makes LDAPS refuse and start() brings it back', async () => {
    await dc.stop();
    expect(dc.running).toBe(false);
    expect(await tcpOpen(dc.address, 636)).toBe(false);
    await dc.start();
    console.log(`samba DC: restarted, serving LDAPS in ${dc.timings.startMs} ms`);
    await dc.bind(dc.userDn('alice'), alicePassword);
  });

  it('serves SMB: alice lists the shares with her password, a wrong one is refused', async () => {
    const shares = await smbList('alice', alicePassword);
    expect(shares).toMatch(/^\s*netlogon\s+Disk/m);
    expect(shares).toMatch(/^\s*sysvol\s+Disk/m);
    await expect(smbList('alice', 'wrong-Passw0rd')).rejects.toThrow(/NT_STATUS_LOGON_FAILURE/);
  });

  it("writes nothing to the machine's /var/log/samba or /run/samba, across a restart too", async () => {
    // The provision, the first start and the SMB logins above: nothing.
    expect(machineSamba()).toEqual(beforeStart);
    const before = machineSamba();
    await dc.stop();
    await dc.start();
    // The private /run/samba is made anew at each start: SMB (smbd asking winbindd) works again.
    expect(await smbList('alice', alicePassword)).toMatch(/^\s*netlogon\s+Disk/m);
    await runCommand('sleep', ['0.5']);
    expect(machineSamba()).toEqual(before);
    // What Samba logged went to the DC's own folder instead.
    expect(readdirSync(join(dc.dir, 'log'))).toContain('smbd.log');
    // And another program in the DC's network namespace sees the machine's /run/samba, not samba's.
    const { stdout } = await dc.run('ls', ['-A', machineRun]);
    expect(
      stdout
        .split('\n')
        .filter((l) => l !== '')
        .sort()
        .join(' '),
    ).toBe(before[machineRun]);
  });

  it('points every path of its smb.conf into its own folder', async () => {
    const conf = readFileSync(join(dc.dir, 'etc', 'smb.conf'), 'utf8');
    const paths = [...conf.matchAll(/= (\/\S*)/g)].map((m) => m[1]!);
    expect(paths.length).toBeGreaterThan(5);
    expect(paths.filter((p) => !p.startsWith(dc.dir))).toEqual([]);
    // The daemons agree: nothing of this DC sits in the host's Samba folders.
    const { stdout } = await runCommand('testparm', ['-s', '-v', join(dc.dir, 'etc', 'smb.conf')]);
    expect(stdout).not.toMatch(
      /(pid directory|winbindd socket directory|log file|private dir) = \/(var|run)\//,
    );
  });

  /**
   * `smbclient -L` as CORP\\user from the DC's namespace, the password in an authentication file (0600,
   * removed after), never on a command line; with the DC's smb.conf, so it keeps its caches in the DC's
   * folder. The share list, or a rejection with what smbclient printed.
   */
  async function smbList(user: string, password: string): Promise<string> {
    const auth = join(dc.dir, `smb-auth-${user}`);
    writeFileSync(auth, `username = ${user}\npassword = ${password}\ndomain = ${dc.domain}\n`, {
      mode: 0o600,
    });
    try {
      // Through sh, for its output whatever its exit status (smbclient prints its errors on stdout).
      const { stdout } = await dc.run('sh', [
        '-c',
        'smbclient "$@" 2>&1; echo "smbclient exit status $?"',
        'sh',
        '-L',
        `//${dc.hostName}`,
        `--authentication-file=${auth}`,
        `--configfile=${join(dc.dir, 'etc', 'smb.conf')}`,
      ]);
      if (!stdout.endsWith('smbclient exit status 0\n')) throw new Error(`smbclient -L failed:\n${stdout}`);
      return stdout;
    } finally {
      rmSync(auth, { force: true });
    }
  }

  /** 'ok', or the reason the TLS client refused the DC's certificate for `servername`. */
  function handshake(servername: string | undefined): Promise<string> {
    return new Promise((resolve) => {
      const socket = tls.connect({
        host: dc.address,
        port: 636,
        ca: dc.caPem,
        ...(servername !== undefined ? { servername } : {}),
      });
      socket.once('secureConnect', () => {
        socket.destroy();
        resolve('ok');
      });
      socket.once('error', (e: Error) => resolve(e.message));
    });
  }
});

if (missing !== undefined) console.warn(`samba-smoke skipped: ${missing}`);
