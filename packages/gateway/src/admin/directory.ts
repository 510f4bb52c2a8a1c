// The Active Directory the gateway logs users in against (DECISIONS 14): set, shown without its bind
// password, or removed; each with an event and a change record, so every worker and node judges the
// directory accounts' sessions again within a second (DECISIONS 67).
import { X509Certificate } from 'node:crypto';
import {
  AuthUnavailable,
  directoryConfigProblem,
  enctypeName,
  isDirectoryAccount,
  kerberosProblem,
  parseDirectoryGroup,
  parseKeytab,
  type DirectoryConfig,
} from '@kordon/core';
import { LdapDirectory } from '../auth/directory.js';
import { commit, record, type Actor, type AdminDeps } from './context.js';
import { AdminError, invalidField, notFound } from './errors.js';

/** What the API and the CLI show: everything but the secrets (the bind password, the keytab's keys). */
export type DirectoryView = Omit<DirectoryConfig, 'bindPassword' | 'keytab'> & {
  bindPasswordSet: true;
  /** The keytab's keys, without the keys: `HTTP/gw.corp.example@CORP.EXAMPLE (kvno 2, aes256-...)`. */
  keytabKeys: string[] | null;
  /** Why Kerberos single sign-on cannot be offered now (with the current auth_domain); null: it can. */
  kerberosProblem: string | null;
};

/**
 * What `set` takes: the whole configuration, but single sign-on's parts may be left out to keep what
 * is there (re-running `directory set` to change a group must not drop the keytab); `keytab: null`
 * removes it.
 */
export type DirectoryInput = Omit<DirectoryConfig, 'updatedAt' | 'keytab' | 'ntlm' | 'bindPassword'> & {
  /** Absent: the one set stays (a console changing a group need not know it); needed the first time. */
  bindPassword?: string;
  keytab?: string | null;
  ntlm?: boolean;
};

/** A directory user as the management API lists it. */
export interface DirectoryUserView {
  account: string;
  name: string;
  displayName: string | null;
  /** Why the account may not log in, or null. */
  restriction: string | null;
}

export class DirectoryAdmin {
  private readonly ldap: LdapDirectory;

  constructor(private readonly deps: AdminDeps) {
    this.ldap = new LdapDirectory(() => deps.store.directory.get());
  }

  /** Directory users matching `search` (a part of a name), asked of the directory now. */
  async users(search: string, limit = 100): Promise<DirectoryUserView[]> {
    if ((await this.deps.store.directory.get()) === undefined) throw notFound('no directory is configured');
    try {
      const found = await this.ldap.searchUsers(search, limit);
      return found.map((u) => ({
        account: u.account,
        name: u.user,
        displayName: u.displayName,
        restriction: u.restriction,
      }));
    } catch (e) {
      if (e instanceof AuthUnavailable) throw new AdminError('directory_unavailable', e.message);
      throw e;
    }
  }

  async get(): Promise<DirectoryView | undefined> {
    const config = await this.deps.store.directory.get();
    return config === undefined ? undefined : viewOf(config, await this.authDomain());
  }

  private async authDomain(): Promise<string | null> {
    return (await this.deps.store.settings.get()).auth_domain;
  }

  async set(input: DirectoryInput, actor: Actor): Promise<DirectoryView> {
    const domains = { domain: input.domain.toUpperCase(), realm: input.realm.toUpperCase() };
    const group = (text: string | null, field: string): string | null => {
      if (text === null || text.trim() === '') return null;
      const parsed = parseDirectoryGroup(text, domains);
      if (parsed === null)
        throw invalidField(field, `"${text}" is not a directory group: write CORP\\kordon-admins`);
      return parsed;
    };
    const current = await this.deps.store.directory.get();
    const bindPassword = input.bindPassword ?? current?.bindPassword;
    if (bindPassword === undefined) {
      throw new AdminError(
        'missing_field',
        'the bind password is needed: no directory is set yet',
        '/bind_password',
      );
    }
    const config: DirectoryConfig = {
      ...input,
      bindPassword,
      keytab: input.keytab === undefined ? (current?.keytab ?? null) : input.keytab,
      ntlm: input.ntlm ?? current?.ntlm ?? false,
      ...domains,
      adminGroup: group(input.adminGroup, '/admin_group'),
      viewerGroup: group(input.viewerGroup, '/viewer_group'),
      updatedAt: this.deps.clock.now(),
    };
    const problem = directoryConfigProblem(config);
    if (problem !== null) throw invalidField(`/${problem.field}`, problem.message);
    if (config.caCert !== null) checkCaPem(config.caCert);
    if (config.keytab !== null) checkKeytab(config.keytab);
    const authDomain = await this.authDomain();
    return commit(this.deps, async (tx) => {
      await tx.directory.put(config);
      await record(tx, this.deps, {
        kind: 'directory_changed',
        account: null,
        detail: `directory set by ${actor}: ${config.url}, domain ${config.domain}, realm ${config.realm}, base ${config.baseDn}${config.keytab === null ? '' : ', Kerberos keytab'}${config.ntlm ? ', NTLM' : ''}`,
        change: { kind: 'directory' },
      });
      return viewOf(config, authDomain);
    });
  }

  async clear(actor: Actor): Promise<void> {
    await commit(this.deps, async (tx) => {
      if (!(await tx.directory.clear())) throw notFound('no directory is configured');
      // Administrators from the directory go with it, and their console sessions with them (cascade):
      // nothing could vouch for them any more, so they do not wait for the next sync.
      const removed: string[] = [];
      for (const admin of await tx.admins.list()) {
        if (isDirectoryAccount(admin.name) && (await tx.admins.remove(admin.name))) removed.push(admin.name);
      }
      await record(tx, this.deps, {
        kind: 'directory_changed',
        account: null,
        detail: `directory removed by ${actor}: directory accounts can no longer log in${removed.length > 0 ? `; administrators removed: ${removed.join(', ')}` : ''}`,
        change: { kind: 'directory' },
      });
    });
  }
}

function viewOf(c: DirectoryConfig, authDomain: string | null): DirectoryView {
  const { bindPassword: _secret, keytab, ...shown } = c;
  const bytes = keytab === null ? null : Buffer.from(keytab, 'base64');
  const parsed = bytes === null ? null : parseKeytab(bytes);
  return {
    ...shown,
    bindPasswordSet: true,
    keytabKeys:
      parsed?.ok === true
        ? parsed.entries.map((e) => `${e.principal} (kvno ${e.kvno}, ${enctypeName(e.enctype)})`)
        : null,
    kerberosProblem: kerberosProblem(bytes, authDomain, c.realm),
  };
}

/** A keytab must be one in the keytab format; whose principals it holds is shown, not refused. */
function checkKeytab(base64: string): void {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length === 0 || bytes.toString('base64') !== base64.replace(/\s+/g, '')) {
    throw invalidField('/keytab', 'keytab is the keytab file in base64');
  }
  const parsed = parseKeytab(bytes);
  if (!parsed.ok) throw invalidField('/keytab', parsed.problem);
}

function checkCaPem(pem: string): void {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) {
    throw invalidField(
      '/ca_cert',
      'ca_cert is the PEM of the CA that issued the directory’s TLS certificate',
    );
  }
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch {
      throw invalidField('/ca_cert', 'ca_cert holds a block that is not a valid X.509 certificate');
    }
  }
}
