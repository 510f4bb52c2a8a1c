/**
 * "If the computer is in a domain, the client creates an SSO profile with auto-connect for the current user"
 * (PROTOCOL.md). Choices made here:
 *   - Once per user: the store remembers it made the profile, so a user who removes it does not get it back.
 *   - The server is the one given (the gateway address the client was installed or started with); without one,
 *     the server that every profile of the administrator's configuration names, when they name exactly one.
 *     With no server known there is nothing to connect to, and nothing is made ("no_server").
 *   - When the administrator's configuration has an SSO profile, that profile is the user's SSO profile: no
 *     second one is made ("admin_profile"), and its options stay the administrator's.
 *   - `deny_create_profiles` covers this profile too: the administrator wants only their own profiles.
 *   - Auto-connect is turned on only when no profile has it yet, so the user's own earlier choice stands, and
 *     only where the administrator's read-only profile does not hold it.
 */
import { ConfigError } from './errors.js';
import { checkServer } from './fields.js';
import type { DomainMembership } from './domain.js';
import type { ProfileStore } from './profile-store.js';
import type { Profile } from './types.js';

export type EnsureSsoProfileResult =
  | { created: true; profile: Profile; message: string }
  | {
      created: false;
      reason: 'not_in_domain' | 'already_created' | 'admin_profile' | 'no_server' | 'denied';
      message: string;
      /** The SSO profile in use instead, when there is one. */
      profile?: Profile;
    };

export function ensureSsoProfile(
  store: ProfileStore,
  domain: DomainMembership | undefined,
  server: string | null,
): EnsureSsoProfileResult {
  if (domain === undefined) {
    return { created: false, reason: 'not_in_domain', message: 'this computer is not in a domain' };
  }
  const profiles = store.list();
  if (store.autoProfileCreated()) {
    const made = profiles.find((p) => p.source === 'auto' && p.data.type === 'sso');
    return {
      created: false,
      reason: 'already_created',
      message: 'the SSO profile for this domain was made before',
      ...(made === undefined ? {} : { profile: made }),
    };
  }
  const adminSso = profiles.find((p) => p.source === 'json' && p.data.type === 'sso');
  if (adminSso !== undefined) {
    return {
      created: false,
      reason: 'admin_profile',
      message: `the administrator's SSO profile ${JSON.stringify(adminSso.name)} serves this domain`,
      profile: adminSso,
    };
  }
  const target = server ?? onlyAdminServer(profiles);
  if (target === undefined) {
    return {
      created: false,
      reason: 'no_server',
      message: `this computer is in the domain ${domain.realm}, but no gateway is known to make an SSO profile for; add one with the gateway's address`,
    };
  }
  const problem = checkServer(target);
  if (problem !== undefined) throw new ConfigError('invalid', `the gateway's address ${problem}`);

  let profile: Profile;
  try {
    profile = store.add({
      name: freeName(profiles, `SSO (${domain.realm})`),
      data: { type: 'sso', server: target },
      source: 'auto',
    });
  } catch (e) {
    if (e instanceof ConfigError && e.code === 'denied')
      return { created: false, reason: 'denied', message: e.message };
    throw e;
  }
  const holder = profiles.find((p) => p.profile_options.autoconnect);
  if (holder !== undefined) {
    return {
      created: true,
      profile,
      message: `made ${JSON.stringify(profile.name)}; ${JSON.stringify(holder.name)} keeps auto-connect`,
    };
  }
  try {
    profile = store.setAutoconnect(profile.id, true);
  } catch (e) {
    if (e instanceof ConfigError && e.code === 'read_only') {
      return {
        created: true,
        profile,
        message: `made ${JSON.stringify(profile.name)} without auto-connect: ${e.message}`,
      };
    }
    throw e;
  }
  return { created: true, profile, message: `made ${JSON.stringify(profile.name)} with auto-connect` };
}

function onlyAdminServer(profiles: readonly Profile[]): string | undefined {
  const servers = new Set(profiles.filter((p) => p.source === 'json').map((p) => p.data.server));
  return servers.size === 1 ? [...servers][0] : undefined;
}

function freeName(profiles: readonly Profile[], base: string): string {
  const taken = new Set(profiles.map((p) => p.name.toLowerCase()));
  if (!taken.has(base.toLowerCase())) return base;
  for (let n = 2; ; n++) {
    const name = `${base} ${n}`;
    if (!taken.has(name.toLowerCase())) return name;
  }
}
