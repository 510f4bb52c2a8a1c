// The client-authorization settings (the vendor's object): validated as a whole, stored with an event
// and a change record; the feed applies them to live sessions (4004, 4005; DECISIONS 6, 67).
import type { ClientSettings } from '@kordon/core';
import { commit, record, type Actor, type AdminDeps } from './context.js';
import { checkClientSettings } from './settings-rules.js';

export class SettingsAdmin {
  constructor(private readonly deps: AdminDeps) {}

  get(): Promise<ClientSettings> {
    return this.deps.store.settings.get();
  }

  /** Merges, validates and stores; returns the settings in force afterwards. */
  async change(merge: (current: ClientSettings) => ClientSettings, actor: Actor): Promise<ClientSettings> {
    return commit(this.deps, async (tx) => {
      const before = await tx.settings.get();
      const after = checkClientSettings(merge(before));
      const changes = describeChanges(before, after);
      if (changes.length === 0) return before;
      await tx.settings.put(after);
      await record(tx, this.deps, {
        kind: 'settings_changed',
        account: null,
        detail: `client settings changed by ${actor}: ${changes.join('; ')}`,
        change: { kind: 'settings', before, after },
      });
      return after;
    });
  }
}

function describeChanges(before: ClientSettings, after: ClientSettings): string[] {
  const changes: string[] = [];
  for (const key of ['enabled', 'auth_domain', 'local_tunnel', 'device_vpn'] as const) {
    if (before[key] !== after[key]) {
      changes.push(`${key} ${JSON.stringify(before[key])} -> ${JSON.stringify(after[key])}`);
    }
  }
  if (before.trusted_ca_cert !== after.trusted_ca_cert) {
    if (after.trusted_ca_cert === null) changes.push('trusted_ca_cert removed');
    else if (before.trusted_ca_cert === null) changes.push('trusted_ca_cert set');
    else changes.push('trusted_ca_cert replaced');
  }
  return changes;
}
