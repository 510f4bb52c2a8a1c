// The `ztna` request the profiles in use need (PROTOCOL.md "ZTNA"): exactly the checks their
// objects' criteria name, and the four lists those checks collect.
import { ZTNA_KEYWORDS, type ZtnaKeyword, type ZtnaRequest } from '@kordon/protocol';
import { objectsInUse, type PostureObject, type PostureProfile } from './model.js';

/**
 * Each item once, in code-unit order; of spellings that `fold` makes the same, the first in that
 * order stays, so the result does not depend on which object named an item first.
 */
function uniqueSorted(items: readonly string[], fold: (item: string) => string = (i) => i): string[] {
  const sorted = [...items].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const byFold = new Map<string, string>();
  for (const item of sorted) if (!byFold.has(fold(item))) byFold.set(fold(item), item);
  return [...byFold.values()];
}

const upper = (s: string): string => s.toUpperCase();

/**
 * The request for the objects the profiles use; null when they check nothing (DECISIONS 32: never
 * an empty `test_list`). Keywords come in the protocol's order and the lists sorted, so the
 * request does not change when an administrator reorders objects or criteria. Process and
 * service checks also ask for `os_type`: how their names compare depends on it (evaluate.ts).
 */
export function ztnaRequestFor(
  objects: readonly PostureObject[],
  profiles: readonly PostureProfile[],
  period: number,
): ZtnaRequest | null {
  const asked = new Set<ZtnaKeyword>();
  const kb: string[] = [];
  const processes: string[] = [];
  const services: string[] = [];
  const registry: string[] = [];
  for (const object of objectsInUse(objects, profiles)) {
    for (const criterion of object.criteria) {
      const keyword: ZtnaKeyword = criterion.check;
      asked.add(keyword);
      switch (criterion.check) {
        case 'kb_list':
          kb.push(...criterion.values);
          break;
        case 'processes':
          processes.push(...criterion.values);
          asked.add('os_type');
          break;
        case 'services':
          services.push(...criterion.values);
          asked.add('os_type');
          break;
        case 'registry':
          registry.push(...criterion.keys.map((k) => k.key));
          break;
        default:
          break;
      }
    }
  }
  if (asked.size === 0) return null;
  return {
    type: 'ztna',
    period,
    test_list: ZTNA_KEYWORDS.filter((k) => asked.has(k)),
    // Update ids and registry paths are compared without regard to case (Windows does).
    kb_list: uniqueSorted(kb, upper),
    proc_list: uniqueSorted(processes),
    service_list: uniqueSorted(services),
    reg_key_list: uniqueSorted(registry, upper),
  };
}
