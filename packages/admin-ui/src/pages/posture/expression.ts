// A profile's expression is text the gateway reads (`Antivirus and (Firewall or "OS updates")`, objects
// by name, AND binding tighter than OR) and writes back as `expression_text`: the console writes names
// into it as the gateway reads them, and never parses it itself.

const keywords = ['and', 'or'];

/** A name as it is written: quoted when it is a keyword or holds spaces, quotes or parentheses. */
export function nameText(name: string): string {
  return /^[^\s()"]+$/.test(name) && !keywords.includes(name.toLowerCase()) ? name : JSON.stringify(name);
}

/**
 * The text with one more object named at its end: joined by "and" unless the text already ends where
 * a name is expected (after and, or, "(" or nothing).
 */
export function appendName(text: string, name: string): string {
  const written = nameText(name);
  const before = text.trimEnd();
  if (before === '') return written;
  if (before.endsWith('(')) return `${before}${written}`;
  if (/(^|[\s()])(and|or)$/i.test(before)) return `${before} ${written}`;
  return `${before} and ${written}`;
}
