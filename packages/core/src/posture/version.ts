// Versions in posture criteria: dotted numbers compared part by part.
//
// The rule. A version is a list of whole numbers ("10.0.19045.3803"). Parts compare as numbers,
// never as text ("10" > "9", "04" = "4"), and missing parts are zeros ("1.2" = "1.2.0"). An
// administrator writes a plain dotted number (parsePostureVersion). A reported version is free text
// ("1.2.3-beta", "13.6.1 (22G313)", "Ubuntu 22.04.3 LTS", "Windows 10 Pro 10.0.19045"): its version
// is the run of dot-separated numbers with the most parts, the first on a tie, and everything else
// is ignored, so "1.2.3-beta" equals "1.2.3" (readPostureVersion). Text with no digit has no version.

/** Whole numbers as digit strings without leading zeros: any length compares, nothing overflows. */
export type PostureVersion = readonly string[];

/** More parts than any real product version has: keeps a hostile report's work bounded. */
const PARTS_MAX = 16;
const STRICT = /^\d{1,20}(?:\.\d{1,20}){0,15}$/;

function normalizePart(digits: string): string {
  return digits.replace(/^0+(?=\d)/, '');
}

/** An administrator's version ("10.0.19041"); null when it is not a plain dotted number. */
export function parsePostureVersion(text: string): PostureVersion | null {
  const trimmed = text.trim();
  return STRICT.test(trimmed) ? trimmed.split('.').map(normalizePart) : null;
}

/** The version in a reported text, by the rule above; null when the text holds no number. */
export function readPostureVersion(text: string): PostureVersion | null {
  let best: string[] | null = null;
  for (const match of text.matchAll(/\d+(?:\.\d+)*/g)) {
    const parts = match[0].split('.').slice(0, PARTS_MAX);
    if (best === null || parts.length > best.length) best = parts;
  }
  return best === null ? null : best.map(normalizePart);
}

function comparePart(a: string, b: string): -1 | 0 | 1 {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** -1, 0 or 1 as `a` is older than, equal to or newer than `b`; a total preorder. */
export function comparePostureVersions(a: PostureVersion, b: PostureVersion): -1 | 0 | 1 {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const order = comparePart(a[i] ?? '0', b[i] ?? '0');
    if (order !== 0) return order;
  }
  return 0;
}

export function formatPostureVersion(version: PostureVersion): string {
  return version.join('.');
}
