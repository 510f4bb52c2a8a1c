// The canonical form of a posture report: the client sends only when something changed, and the
// gateway tells a changed report from a repeated one (PROTOCOL.md "ZTNA", DECISIONS 11). Two
// reports that say the same thing have one canonical form: keys in the protocol's order, unknown
// keys dropped, and every list sorted, since none of them is ordered (found names, installed
// products, present keys). Duplicates stay: the form reorders, it never changes what was said.
import type { ZtnaReport } from '@kordon/protocol';

type Antivirus = NonNullable<ZtnaReport['antivirus']>[number];
type Firewall = NonNullable<ZtnaReport['firewall']>[number];
type RegistryEntry = NonNullable<ZtnaReport['reg_key_list']>[number];

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  return items
    .map((item) => ({ item, key: key(item) }))
    .sort((a, b) => byCodeUnits(a.key, b.key))
    .map((entry) => entry.item);
}

function antivirus(a: Antivirus): Antivirus {
  return {
    active: a.active,
    name: a.name,
    version: a.version,
    last_update: a.last_update,
    last_scan: a.last_scan,
  };
}

function firewall(f: Firewall): Firewall {
  return { active: f.active, name: f.name, version: f.version };
}

function registryEntry(r: RegistryEntry): RegistryEntry {
  return { key: r.key, value: r.value };
}

/** The report in canonical form; canonicalReport(canonicalReport(r)) is canonicalReport(r). */
export function canonicalReport(report: ZtnaReport): ZtnaReport {
  const out: ZtnaReport = { type: 'ztna', node_name: report.node_name };
  const os = report.operation_system;
  if (os) out.operation_system = { type: os.type, version: os.version, domain: os.domain };
  if (report.kb_list) out.kb_list = [...report.kb_list].sort(byCodeUnits);
  if (report.antivirus) out.antivirus = sortedBy(report.antivirus.map(antivirus), (a) => JSON.stringify(a));
  if (report.firewall) out.firewall = sortedBy(report.firewall.map(firewall), (f) => JSON.stringify(f));
  if (report.proc_list) out.proc_list = [...report.proc_list].sort(byCodeUnits);
  if (report.service_list) out.service_list = [...report.service_list].sort(byCodeUnits);
  if (report.reg_key_list) {
    out.reg_key_list = sortedBy(report.reg_key_list.map(registryEntry), (r) =>
      JSON.stringify([r.key, r.value]),
    );
  }
  return out;
}

/** Whether two reports say the same thing; no report yet equals only no report. */
export function reportsEqual(a: ZtnaReport | null, b: ZtnaReport | null): boolean {
  if (a === null || b === null) return a === b;
  return JSON.stringify(canonicalReport(a)) === JSON.stringify(canonicalReport(b));
}
