// The order in which SRV targets are tried (RFC 2782, "Usage rules"). Pure: randomness is injected.
import { serviceUnavailable } from './errors.js';

export interface SrvRecord {
  name: string;
  port: number;
  priority: number;
  weight: number;
}

export interface SrvTarget {
  name: string;
  port: number;
}

/** RFC 2782: a target of "." means the service is decidedly not available at this domain. */
function isUnavailableTarget(name: string): boolean {
  // c-ares reports the root name as "" ; a resolver may also give ".".
  return name === '' || name === '.';
}

/**
 * Orders SRV records for trying: ascending priority; within one priority, repeated weighted random
 * selection over a running sum of weights in which weight-0 records come first, so they are picked
 * only when the random number is 0 ("a very small chance"), as RFC 2782 describes.
 * `random` returns a number in [0, 1), like Math.random. Records with the target "." are left out;
 * when nothing else is there, the service is unavailable and a ClientError says so.
 */
export function orderSrvRecords(
  records: readonly SrvRecord[],
  random: () => number,
  context: { server: string; srvName: string } = { server: 'the server', srvName: 'the SRV record' },
): SrvTarget[] {
  const usable = records.filter((r) => !isUnavailableTarget(r.name));
  if (usable.length === 0 && records.length > 0) throw serviceUnavailable(context.server, context.srvName);
  const priorities = [...new Set(usable.map((r) => r.priority))].sort((a, b) => a - b);
  const ordered: SrvTarget[] = [];
  for (const priority of priorities) {
    // Stable: weight-0 records first, the others in the order the DNS gave them.
    const group = usable.filter((r) => r.priority === priority);
    const remaining = [...group.filter((r) => r.weight === 0), ...group.filter((r) => r.weight !== 0)];
    while (remaining.length > 0) {
      const index = pickWeighted(remaining, random);
      const [chosen] = remaining.splice(index, 1);
      if (chosen) ordered.push({ name: chosen.name, port: chosen.port });
    }
  }
  return ordered;
}

/** The first record whose running sum is >= a uniform integer in [0, sum] (inclusive, per the RFC). */
function pickWeighted(records: readonly SrvRecord[], random: () => number): number {
  const sum = records.reduce((total, r) => total + r.weight, 0);
  // Clamped, so a random source that returns 1 cannot step past the end.
  const target = Math.min(sum, Math.floor(random() * (sum + 1)));
  let running = 0;
  for (const [index, record] of records.entries()) {
    running += record.weight;
    if (running >= target) return index;
  }
  return records.length - 1;
}
