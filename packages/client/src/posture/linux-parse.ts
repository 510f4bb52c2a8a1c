// Parsers of what the Linux collectors read: os-release, systemctl, nft, ufw, firewall-cmd. Pure.

/**
 * The variables of an os-release file (os-release(5)): `KEY=value` lines, values optionally in
 * double or single quotes, with `\"`, `\\`, `\$` and `` \` `` escapes inside double quotes.
 */
export function parseOsRelease(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m === null) continue;
    const [, key = '', value = ''] = m;
    vars.set(key, unquote(value));
  }
  return vars;
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\(["\\$`])/g, '$1');
  }
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1);
  return value;
}

/** PRETTY_NAME, else NAME and VERSION_ID ("Debian GNU/Linux 12 (bookworm)"); undefined when neither is there. */
export function osReleaseVersion(text: string): string | undefined {
  const vars = parseOsRelease(text);
  const pretty = vars.get('PRETTY_NAME')?.trim();
  if (pretty) return pretty;
  const name = vars.get('NAME')?.trim() ?? '';
  const version = vars.get('VERSION_ID')?.trim() ?? '';
  const joined = [name, version].filter((s) => s !== '').join(' ');
  return joined === '' ? undefined : joined;
}

/**
 * Unit names from `systemctl list-units --type=service --state=running --no-legend --plain`: one unit
 * a line, its name first ("ssh.service loaded active running OpenBSD Secure Shell server"). A leading
 * status mark ("●", "*") that some versions print even with --plain is skipped.
 */
export function parseRunningUnits(text: string): Set<string> {
  const units = new Set<string>();
  for (const raw of text.split(/\r?\n/)) {
    const fields = raw
      .trim()
      .replace(/^[●*]\s*/u, '')
      .split(/\s+/);
    const name = fields[0] ?? '';
    if (name.endsWith('.service')) units.add(name);
  }
  return units;
}

/** An asked service matches a running unit by its name, written with or without ".service". */
export function runningServices(asked: readonly string[], units: ReadonlySet<string>): string[] {
  return asked.filter((name) => {
    const n = name.trim();
    return n !== '' && (units.has(n) || units.has(`${n}.service`));
  });
}

/** "nftables v1.0.6 (Lester Gooch #5)" → "1.0.6". */
export function parseNftVersion(text: string): string {
  return /nftables\s+v?(\d+(?:\.\d+)*)/.exec(text)?.[1] ?? '';
}

/** "ufw 0.36.1\nCopyright 2008-2021 Canonical Ltd." → "0.36.1". */
export function parseUfwVersion(text: string): string {
  return /^ufw\s+v?(\d+(?:\.\d+)*)/m.exec(text)?.[1] ?? '';
}

/** `ufw status`, in the C locale: "Status: active" or "Status: inactive"; undefined for anything else. */
export function parseUfwStatus(text: string): boolean | undefined {
  const state = /^Status:\s*(active|inactive)\b/m.exec(text)?.[1];
  return state === undefined ? undefined : state === 'active';
}

/** `firewall-cmd --version` prints the bare version: "1.3.4". */
export function parseFirewalldVersion(text: string): string {
  return /^\s*(\d+(?:\.\d+)*)/.exec(text)?.[1] ?? '';
}

/** `firewall-cmd --state`: "running" (exit 0) or "not running" (exit 252). */
export function parseFirewalldState(text: string): boolean | undefined {
  const t = text.trim();
  if (t === 'running') return true;
  if (t === 'not running') return false;
  return undefined;
}

interface NftChain {
  /** "inet filter": the family and the table, so that a jump resolves within its table. */
  table: string;
  name: string;
  hook: string | undefined;
  policy: string | undefined;
  /** Statement lines, quoted strings (comments) blanked. */
  rules: string[];
}

/** The chains of `nft list ruleset` (text form, as nft(8) prints it: one statement a line). */
export function parseNftChains(text: string): NftChain[] {
  const chains: NftChain[] = [];
  let depth = 0;
  let table: string | undefined;
  let chain: NftChain | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/"(?:[^"\\]|\\.)*"/g, '""').trim();
    if (line === '') continue;
    const opens = (line.match(/\{/g) ?? []).length;
    const closes = (line.match(/\}/g) ?? []).length;
    if (depth === 0) {
      const t = /^table\s+(\S+)\s+(\S+)\s*\{$/.exec(line);
      if (t) table = `${t[1] ?? ''} ${t[2] ?? ''}`;
    } else if (depth === 1 && table !== undefined) {
      const c = /^chain\s+(\S+)\s*\{$/.exec(line);
      if (c) {
        chain = { table, name: c[1] ?? '', hook: undefined, policy: undefined, rules: [] };
        chains.push(chain);
      }
    } else if (depth >= 2 && chain !== undefined) {
      const base = /^type\s+\S+\s+hook\s+(\S+)\b.*?;/.exec(line);
      if (base && depth === 2) {
        chain.hook = base[1];
        chain.policy = /\bpolicy\s+(\w+)\s*;/.exec(line)?.[1];
      } else {
        chain.rules.push(line);
      }
    }
    depth = Math.max(0, depth + opens - closes);
    if (depth < 2) chain = undefined;
    if (depth < 1) table = undefined;
  }
  return chains;
}

const VERDICT = /(?:^|[\s:{,])(?:drop|reject)(?=$|[\s;,}])/;
const JUMP = /\b(?:jump|goto)\s+([^\s;,}]+)/g;

/**
 * Whether an nftables ruleset filters what comes in: some base chain on the `input` hook has the
 * policy `drop`, or a `drop` or `reject` rule, there or in a chain it jumps or goes to (in its table).
 * Only `input`: a `forward` drop (Docker sets one) or an `output` rule does not protect the machine.
 */
export function nftRulesetActive(text: string): boolean {
  const chains = parseNftChains(text);
  const byName = new Map(chains.map((c) => [`${c.table} ${c.name}`, c]));
  const filters = (c: NftChain, seen: Set<NftChain>): boolean => {
    if (seen.has(c)) return false;
    seen.add(c);
    for (const rule of c.rules) {
      if (VERDICT.test(rule)) return true;
      for (const jump of rule.matchAll(JUMP)) {
        const target = byName.get(`${c.table} ${jump[1] ?? ''}`);
        if (target && filters(target, seen)) return true;
      }
    }
    return false;
  };
  return chains.some((c) => c.hook === 'input' && (c.policy === 'drop' || filters(c, new Set<NftChain>())));
}
