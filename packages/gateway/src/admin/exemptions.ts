// Exemptions (DECISIONS 72): hosts that forward without a session (`from`: servers, printers) and
// destinations anyone on an enforced interface may reach (`to`: domain controllers, the gateway's own
// services). Stored, logged, and put in the nftables table by the kernel owner from the change feed.
import { randomUUID } from 'node:crypto';
import { parseCidr, type Exemption } from '@kordon/core';
import { commit, insertUnique, record, type Actor, type AdminDeps } from './context.js';
import { AdminError, invalidField, notFound } from './errors.js';

export type ExemptionDirection = Exemption['direction'];

export class ExemptionAdmin {
  constructor(private readonly deps: AdminDeps) {}

  list(): Promise<Exemption[]> {
    return this.deps.store.exemptions.list();
  }

  async add(direction: ExemptionDirection, network: string, actor: Actor): Promise<Exemption> {
    const parsed = parseCidr(network);
    if (!parsed.ok) throw invalidField('/network', parsed.message);
    const exemption: Exemption = {
      id: randomUUID(),
      direction,
      network: parsed.cidr.text,
      createdAt: this.deps.clock.now(),
    };
    const conflict = new AdminError(
      'conflict',
      `the exemption --${direction} ${exemption.network} exists`,
      '/network',
    );
    return commit(this.deps, async (tx) => {
      await insertUnique(
        async () =>
          (await tx.exemptions.list()).some(
            (e) => e.direction === direction && e.network === exemption.network,
          ),
        () => tx.exemptions.create(exemption),
        conflict,
      );
      await record(tx, this.deps, {
        kind: 'exemption_changed',
        account: null,
        detail: `exemption --${direction} ${exemption.network} added by ${actor}`,
        change: { kind: 'exemptions' },
      });
      return exemption;
    });
  }

  async remove(id: string, actor: Actor): Promise<void> {
    await commit(this.deps, async (tx) => {
      const found = (await tx.exemptions.list()).find((e) => e.id === id);
      if (!found || !(await tx.exemptions.remove(id))) throw notFound(`no exemption with id "${id}"`);
      await record(tx, this.deps, {
        kind: 'exemption_changed',
        account: null,
        detail: `exemption --${found.direction} ${found.network} removed by ${actor}`,
        change: { kind: 'exemptions' },
      });
    });
  }
}

/** The exemptions as the firewall takes them. */
export function exemptionLists(exemptions: readonly Exemption[]): {
  exemptFrom: string[];
  exemptTo: string[];
} {
  return {
    exemptFrom: exemptions.filter((e) => e.direction === 'from').map((e) => e.network),
    exemptTo: exemptions.filter((e) => e.direction === 'to').map((e) => e.network),
  };
}
