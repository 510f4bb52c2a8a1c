// A profile's expression as a person writes it, objects by name: `Antivirus and (Firewall or "OS
// updates")`, AND binding tighter than OR, as `kordon-gateway posture profile add --expression` reads
// it (the API takes only the JSON form, objects by id). Without the DOM; problems are kinds the page
// puts in words.
import type { Expression, PostureObject } from './model';

type Named = Pick<PostureObject, 'id' | 'name'>;

const keywords = ['and', 'or'];

/** A name as it is written: quoted when it is a keyword or holds spaces, quotes or parentheses. */
export function nameText(name: string): string {
  return /^[^\s()"]+$/.test(name) && !keywords.includes(name.toLowerCase()) ? name : JSON.stringify(name);
}

/** The text form; an id no object has is shown as it is. */
export function expressionText(expression: Expression, objects: readonly Named[]): string {
  if ('object' in expression) {
    return nameText(objects.find((o) => o.id === expression.object)?.name ?? expression.object);
  }
  return expression.of
    .map((e) => ('object' in e ? expressionText(e, objects) : `(${expressionText(e, objects)})`))
    .join(` ${expression.op} `);
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

export type ExpressionProblem =
  | { kind: 'empty' }
  | { kind: 'unclosedQuote'; text: string }
  | { kind: 'badQuote'; text: string }
  | { kind: 'endsEarly' }
  | { kind: 'unclosedParen' }
  | { kind: 'unexpectedClose' }
  | { kind: 'keywordAsName'; word: string }
  | { kind: 'unknownName'; name: string }
  | { kind: 'trailing'; token: string };

export type ParsedExpression =
  { ok: true; expression: Expression } | { ok: false; problem: ExpressionProblem };

type Token = { kind: 'open' } | { kind: 'close' } | { kind: 'word'; text: string; quoted: boolean };

class Refusal extends Error {
  constructor(readonly problem: ExpressionProblem) {
    super(problem.kind);
  }
}

function unquote(text: string): string {
  try {
    return JSON.parse(text) as string;
  } catch {
    throw new Refusal({ kind: 'badQuote', text });
  }
}

function tokens(text: string): Token[] {
  const found: Token[] = [];
  const pattern = /\s*(?:(\()|(\))|("(?:[^"\\]|\\.)*")|([^\s()"]+)|(\S))/gy;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const [, open, close, quotedName, word, stray] = match;
    if (open !== undefined) found.push({ kind: 'open' });
    else if (close !== undefined) found.push({ kind: 'close' });
    else if (quotedName !== undefined) found.push({ kind: 'word', text: unquote(quotedName), quoted: true });
    else if (word !== undefined) found.push({ kind: 'word', text: word, quoted: false });
    else if (stray !== undefined)
      throw new Refusal({ kind: 'unclosedQuote', text: text.slice(match.index).trim() });
  }
  return found;
}

/** The text back to an expression over `objects`, named by name without regard to case, or by id. */
export function parseExpression(text: string, objects: readonly Named[]): ParsedExpression {
  try {
    const list = tokens(text);
    if (list.length === 0) return { ok: false, problem: { kind: 'empty' } };
    let at = 0;
    const isKeyword = (t: Token | undefined, word: string): boolean =>
      t?.kind === 'word' && !t.quoted && t.text.toLowerCase() === word;
    const combine = (op: 'and' | 'or', next: () => Expression): Expression => {
      const of = [next()];
      while (isKeyword(list[at], op)) {
        at += 1;
        of.push(next());
      }
      return of.length === 1 && of[0] !== undefined ? of[0] : { op, of };
    };
    const term = (): Expression => {
      const t = list[at];
      at += 1;
      if (t === undefined) throw new Refusal({ kind: 'endsEarly' });
      if (t.kind === 'open') {
        const inner = combine('or', () => combine('and', term));
        if (list[at]?.kind !== 'close') throw new Refusal({ kind: 'unclosedParen' });
        at += 1;
        return inner;
      }
      if (t.kind === 'close') throw new Refusal({ kind: 'unexpectedClose' });
      if (isKeyword(t, 'and') || isKeyword(t, 'or'))
        throw new Refusal({ kind: 'keywordAsName', word: t.text });
      const found =
        objects.find((o) => o.id === t.text) ??
        objects.find((o) => o.name.toLowerCase() === t.text.toLowerCase());
      if (found === undefined) throw new Refusal({ kind: 'unknownName', name: t.text });
      return { object: found.id };
    };
    const expression = combine('or', () => combine('and', term));
    const rest = list[at];
    if (rest !== undefined) {
      throw new Refusal({
        kind: 'trailing',
        token: rest.kind === 'word' ? rest.text : rest.kind === 'open' ? '(' : ')',
      });
    }
    return { ok: true, expression };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, problem: error.problem };
    throw error;
  }
}
