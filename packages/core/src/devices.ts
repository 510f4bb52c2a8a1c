// Which sessions a new login ends (DECISIONS 1, 2, 3, 30, 60). Pure: the store runs it in a transaction.
import type { Session } from './model.js';

/** DECISIONS 2: at most five live sessions per account. */
export const maxDevicesPerAccount = 5;

export interface ActivationPlan {
  /** Sessions of the same account and device: replaced by the new one (close 4007). */
  replaced: Session[];
  /** The oldest sessions over the limit (close 4003). */
  evicted: Session[];
}

/**
 * Plans the activation of `incoming` among the account's counted (active) sessions:
 * a session of the same device is replaced, then the oldest go until the new one fits.
 */
export function planActivation(
  accountSessions: readonly Session[],
  incoming: Pick<Session, 'id' | 'device'>,
  limit = maxDevicesPerAccount,
): ActivationPlan {
  const counted = accountSessions
    .filter((s) => s.state === 'active' && s.id !== incoming.id)
    .sort((a, b) => a.since.getTime() - b.since.getTime() || a.id.localeCompare(b.id));
  const replaced = counted.filter((s) => s.device === incoming.device);
  const others = counted.filter((s) => s.device !== incoming.device);
  const excess = Math.max(0, others.length - (limit - 1));
  return { replaced, evicted: others.slice(0, excess) };
}

/**
 * A session without a tunnel is its source address (DECISIONS 1): one account per address.
 * Returns the other accounts' address sessions on `address` that stand in the way.
 */
export function addressConflicts(
  sessionsAtAddress: readonly Session[],
  account: string,
  address: string,
): Session[] {
  return sessionsAtAddress.filter(
    (s) => !s.vpn && s.sourceAddress === address && s.account !== account && s.state === 'active',
  );
}
