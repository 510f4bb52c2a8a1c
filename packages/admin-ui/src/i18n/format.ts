// Numbers in words for a person, without the DOM (unit-tested in test/i18n.test.ts).

/** A text with {name} placeholders filled in; an unknown placeholder is left as written. */
export function fill(text: string, values: Readonly<Record<string, string | number>> = {}): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = values[name];
    return value === undefined ? whole : String(value);
  });
}

/** The {placeholders} a text uses, sorted (the same in every language). */
export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '').sort();
}

/** Bytes in binary units ("1.5 MiB"); `units` is the language's "B KiB MiB GiB TiB". */
export function formatBytes(value: number, units: string, locale: string): string {
  const names = units.split(' ');
  let amount = value;
  let unit = 0;
  while (amount >= 1024 && unit < names.length - 1) {
    amount /= 1024;
    unit++;
  }
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(amount);
  return `${number} ${names[unit] ?? ''}`.trim();
}

const two = (n: number) => String(n).padStart(2, '0');

/** A moment in this browser's time zone as 2026-12-01 08:00:00: short, sortable, read alike in every language. */
export function formatDateTime(at: Date): string {
  if (Number.isNaN(at.getTime())) return '—';
  const date = `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())}`;
  return `${date} ${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}`;
}
