// The Active Directory the gateway logs users in against (DECISIONS 14): set, shown without its bind
// password, or removed; each with an event and a change record, so every worker and node judges the
// directory accounts' sessions again within a second (DECISIONS 67).
import { X509Certificate } from 'node:crypto';
import {
  AuthUnavailable,
  directoryConfigProblem,
  parseDirectoryGroup,
  type DirectoryConfig,
} from '@kordon/core';
import { LdapDirectory } from '../auth/directory.js';
import { commit, record, type Actor, type AdminDeps } from './context.js';
import { AdminError, invalidField, notFound } from './errors.js';

/** What the API and the CLI show: everything but the bind password. */
export type DirectoryView = Omit<DirectoryConfig, 'bindPassword'> & { bindPasswordSet: true };

export type DirectoryInput = Omit<DirectoryConfig, 'updatedAt'>;

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
    return config === undefined ? undefined : viewOf(config);
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
    const config: DirectoryConfig = {
      ...input,
      ...domains,
      adminGroup: group(input.adminGroup, '/admin_group'),
      viewerGroup: group(input.viewerGroup, '/viewer_group'),
      updatedAt: this.deps.clock.now(),
    };
    const problem = directoryConfigProblem(config);
    if (problem !== null) throw invalidField(`/${problem.field}`, problem.message);
    if (config.caCert !== null) checkCaPem(config.caCert);
    return commit(this.deps, async (tx) => {
      await tx.directory.put(config);
      await record(tx, this.deps, {
        kind: 'directory_changed',
        account: null,
        detail: `directory set by ${actor}: ${config.url}, domain ${config.domain}, realm ${config.realm}, base ${config.baseDn}`,
        change: { kind: 'directory' },
      });
      return viewOf(config);
    });
  }

  async clear(actor: Actor): Promise<void> {
    await commit(this.deps, async (tx) => {
      if (!(await tx.directory.clear())) throw notFound('no directory is configured');
      await record(tx, this.deps, {
        kind: 'directory_changed',
        account: null,
        detail: `directory removed by ${actor}: directory accounts can no longer log in`,
        change: { kind: 'directory' },
      });
    });
  }
}

function viewOf(c: DirectoryConfig): DirectoryView {
  const { bindPassword: _secret, ...shown } = c;
  return { ...shown, bindPasswordSet: true };
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
