// Device posture on the gateway (docs/posture.md): posture objects (named sets of criteria), posture
// profiles (AND/OR over objects) and the posture settings. Bodies go through the core's parsers, so
// the API and the CLI refuse the same input with the same words; every change is an event and a
// `posture` change record in one transaction (DECISIONS 23, 67).
import { randomUUID } from 'node:crypto';
import {
  StoreConflictError,
  parsePostureObject,
  parsePostureProfile,
  profilesUsingObject,
  type PostureExpression,
  type PostureObject,
  type PostureProblem,
  type PostureProfile,
  type PostureSettings,
  type Store,
} from '@kordon/core';
import { commit, record, type Actor, type AdminDeps } from './context.js';
import { AdminError, invalidField, notFound } from './errors.js';

/** A body the core's parser refused; `unknownField` when it names a field nobody asked for. */
export class PostureInputError extends AdminError {
  constructor(
    problem: PostureProblem,
    /** A field the body should not have (the API answers `unknown_field`, as for its other bodies). */
    readonly unknownField: boolean,
    missing: boolean,
  ) {
    super(missing ? 'missing_field' : 'invalid_field', problem.message, problem.field);
  }
}

/** The value at a JSON Pointer (RFC 6901) of `input`; undefined when there is none. */
function valueAt(input: unknown, pointer: string): unknown {
  let value = input;
  for (const token of pointer.split('/').slice(1)) {
    const key = token.replaceAll('~1', '/').replaceAll('~0', '~');
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function refused(problem: PostureProblem, input: unknown): PostureInputError {
  // The parsers' words: "unknown field; a posture object has ..." (validate.ts, onlyKeys).
  const unknownField = problem.message.startsWith('unknown field');
  const missing = problem.field !== '' && !unknownField && valueAt(input, problem.field) === undefined;
  return new PostureInputError(problem, unknownField, missing);
}

const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

const quoted = (names: readonly string[]): string => names.map((n) => JSON.stringify(n)).join(', ');

/** The id is the gateway's: a POST leaves it out, a PUT may repeat the path's (what a GET gave). */
function checkId(input: unknown, id: string | undefined): void {
  if (typeof input !== 'object' || input === null || !('id' in input)) return;
  if (id === undefined) throw invalidField('/id', 'the gateway gives the id: leave "id" out');
  if (input.id !== id) throw invalidField('/id', `the id is the path's, ${JSON.stringify(id)}`);
}

/** What each setting may be; the REST schema says the same. */
export const postureSettingsRange: Record<keyof PostureSettings, { min: number; max: number }> = {
  period: { min: 0, max: 1440 },
  recheck_minutes: { min: 1, max: 1440 },
  silent_periods: { min: 1, max: 100 },
};

const settingWords: Record<keyof PostureSettings, string> = {
  period: 'minutes between collections (0: collect once)',
  recheck_minutes: 'minutes between re-checks',
  silent_periods: 'silent periods before the gateway asks again',
};

export class PostureAdmin {
  constructor(private readonly deps: AdminDeps) {}

  listObjects(): Promise<PostureObject[]> {
    return this.deps.store.posture.listObjects();
  }

  async getObject(id: string): Promise<PostureObject> {
    const found = await this.deps.store.posture.getObject(id);
    if (!found) throw notFound(`no posture object with id "${id}"`);
    return found;
  }

  /** By id, else by name without regard to case (the CLI names objects either way). */
  async findObject(ref: string): Promise<PostureObject> {
    const objects = await this.listObjects();
    const found = objects.find((o) => o.id === ref) ?? objects.find((o) => sameName(o.name, ref));
    if (!found) throw notFound(`no posture object is named "${ref}"`);
    return found;
  }

  async createObject(input: unknown, actor: Actor): Promise<PostureObject> {
    return commit(this.deps, async (tx) => {
      checkId(input, undefined);
      const objects = await tx.posture.listObjects();
      const object = { id: randomUUID(), ...this.parseObject(input, objects) };
      await this.write(() => tx.posture.createObject(object), 'object', object.name);
      await this.record(tx, `posture object ${describe(object)} added by ${actor}: ${checks(object)}`);
      return object;
    });
  }

  /** Replaces the name and criteria; the same body again writes nothing. */
  async replaceObject(id: string, input: unknown, actor: Actor): Promise<PostureObject> {
    return commit(this.deps, async (tx) => {
      const current = await tx.posture.getObject(id);
      if (!current) throw notFound(`no posture object with id "${id}"`);
      checkId(input, id);
      const others = (await tx.posture.listObjects()).filter((o) => o.id !== id);
      const object = { id, ...this.parseObject(input, others) };
      if (JSON.stringify(object) === JSON.stringify(current)) return current;
      await this.write(() => tx.posture.updateObject(object), 'object', object.name);
      const renamed = current.name === object.name ? '' : ` (was ${JSON.stringify(current.name)})`;
      await this.record(
        tx,
        `posture object ${describe(object)}${renamed} replaced by ${actor}: ${checks(object)}`,
      );
      return object;
    });
  }

  /** Refused (409) while a profile uses the object. */
  async removeObject(id: string, actor: Actor): Promise<void> {
    await commit(this.deps, async (tx) => {
      const found = await tx.posture.getObject(id);
      if (!found) throw notFound(`no posture object with id "${id}"`);
      const users = profilesUsingObject(id, await tx.posture.listProfiles()).map((p) => p.name);
      if (users.length > 0) {
        throw new AdminError(
          'conflict',
          `posture object ${JSON.stringify(found.name)} is used by the ${users.length === 1 ? 'profile' : 'profiles'} ` +
            `${quoted(users)}: change or remove ${users.length === 1 ? 'it' : 'them'} first`,
        );
      }
      await tx.posture.removeObject(id);
      await this.record(tx, `posture object ${describe(found)} removed by ${actor}`);
    });
  }

  listProfiles(): Promise<PostureProfile[]> {
    return this.deps.store.posture.listProfiles();
  }

  async getProfile(id: string): Promise<PostureProfile> {
    const found = await this.deps.store.posture.getProfile(id);
    if (!found) throw notFound(`no posture profile with id "${id}"`);
    return found;
  }

  async findProfile(ref: string): Promise<PostureProfile> {
    const profiles = await this.listProfiles();
    const found = profiles.find((p) => p.id === ref) ?? profiles.find((p) => sameName(p.name, ref));
    if (!found) throw notFound(`no posture profile is named "${ref}"`);
    return found;
  }

  async createProfile(input: unknown, actor: Actor): Promise<PostureProfile> {
    return commit(this.deps, async (tx) => {
      checkId(input, undefined);
      const objects = await tx.posture.listObjects();
      const profiles = await tx.posture.listProfiles();
      const profile = { id: randomUUID(), ...this.parseProfile(input, objects, profiles) };
      await this.write(() => tx.posture.createProfile(profile), 'profile', profile.name);
      await this.record(
        tx,
        `posture profile ${describe(profile)} added by ${actor}: ${expressionText(profile.expression, objects)}`,
      );
      return profile;
    });
  }

  async replaceProfile(id: string, input: unknown, actor: Actor): Promise<PostureProfile> {
    return commit(this.deps, async (tx) => {
      const current = await tx.posture.getProfile(id);
      if (!current) throw notFound(`no posture profile with id "${id}"`);
      checkId(input, id);
      const objects = await tx.posture.listObjects();
      const others = (await tx.posture.listProfiles()).filter((p) => p.id !== id);
      const profile = { id, ...this.parseProfile(input, objects, others) };
      if (JSON.stringify(profile) === JSON.stringify(current)) return current;
      await this.write(() => tx.posture.updateProfile(profile), 'profile', profile.name);
      const renamed = current.name === profile.name ? '' : ` (was ${JSON.stringify(current.name)})`;
      await this.record(
        tx,
        `posture profile ${describe(profile)}${renamed} replaced by ${actor}: ` +
          expressionText(profile.expression, objects),
      );
      return profile;
    });
  }

  async removeProfile(id: string, actor: Actor): Promise<void> {
    await commit(this.deps, async (tx) => {
      const found = await tx.posture.getProfile(id);
      if (!found) throw notFound(`no posture profile with id "${id}"`);
      // A rule naming a profile that is gone would match nobody, silently: the rule changes first.
      const positions = (await tx.accessRules.list())
        .filter((rule) => rule.profiles.includes(id))
        .map((rule) => rule.position);
      if (positions.length > 0) {
        const one = positions.length === 1;
        throw new AdminError(
          'conflict',
          `posture profile ${JSON.stringify(found.name)} is named by the access ${one ? 'rule at position' : 'rules at positions'} ` +
            `${positions.join(', ')}: change or remove ${one ? 'it' : 'them'} first`,
        );
      }
      await tx.posture.removeProfile(id);
      await this.record(tx, `posture profile ${describe(found)} removed by ${actor}`);
    });
  }

  getSettings(): Promise<PostureSettings> {
    return this.deps.store.posture.getSettings();
  }

  /** Sets the settings given, keeps the others; an unchanged value writes nothing. */
  async changeSettings(changes: Partial<PostureSettings>, actor: Actor): Promise<PostureSettings> {
    for (const [key, range] of Object.entries(postureSettingsRange)) {
      const value = changes[key as keyof PostureSettings];
      if (value === undefined) continue;
      if (!Number.isInteger(value) || value < range.min || value > range.max) {
        throw invalidField(
          `/${key}`,
          `${key} is the ${settingWords[key as keyof PostureSettings]}: a whole number from ${range.min} to ${range.max}`,
        );
      }
    }
    return commit(this.deps, async (tx) => {
      const before = await tx.posture.getSettings();
      const after: PostureSettings = {
        period: changes.period ?? before.period,
        recheck_minutes: changes.recheck_minutes ?? before.recheck_minutes,
        silent_periods: changes.silent_periods ?? before.silent_periods,
      };
      const changed = (Object.keys(after) as (keyof PostureSettings)[])
        .filter((key) => before[key] !== after[key])
        .map((key) => `${key} ${before[key]} -> ${after[key]}`);
      if (changed.length === 0) return before;
      await tx.posture.putSettings(after);
      await this.record(tx, `posture settings changed by ${actor}: ${changed.join('; ')}`);
      return after;
    });
  }

  private parseObject(input: unknown, others: readonly PostureObject[]): Omit<PostureObject, 'id'> {
    // Names are checked here rather than by the parser: a taken name is a conflict (409), not a typo.
    const parsed = parsePostureObject(input, []);
    if (!parsed.ok) throw refused(parsed.problem, input);
    const taken = others.find((o) => sameName(o.name, parsed.value.name));
    if (taken) throw nameTaken('object', taken.name);
    return parsed.value;
  }

  private parseProfile(
    input: unknown,
    objects: readonly PostureObject[],
    others: readonly PostureProfile[],
  ): Omit<PostureProfile, 'id'> {
    const parsed = parsePostureProfile(withParsedExpression(input, objects), objects, []);
    if (!parsed.ok) throw refused(parsed.problem, input);
    const taken = others.find((p) => sameName(p.name, parsed.value.name));
    if (taken) throw nameTaken('profile', taken.name);
    return parsed.value;
  }

  /** A concurrent writer that took the name first loses us the race: the same conflict. */
  private async write(work: () => Promise<unknown>, what: string, name: string): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (error instanceof StoreConflictError) throw nameTaken(what, name);
      throw error;
    }
  }

  private record(tx: Store, detail: string): Promise<void> {
    return record(tx, this.deps, {
      kind: 'posture_changed',
      account: null,
      detail,
      change: { kind: 'posture' },
    });
  }
}

function nameTaken(what: string, name: string): AdminError {
  return new AdminError('conflict', `a posture ${what} is named ${JSON.stringify(name)}`, '/name');
}

const describe = (item: { id: string; name: string }): string => `${JSON.stringify(item.name)} (${item.id})`;

const checks = (object: PostureObject): string => object.criteria.map((c) => c.check).join(', ');

/** Keywords of the text form; a name that is one, or has spaces, quotes or parentheses, is quoted. */
const keywords = ['and', 'or'];

function nameText(name: string): string {
  return /^[^\s()"]+$/.test(name) && !keywords.includes(name.toLowerCase()) ? name : JSON.stringify(name);
}

/**
 * An expression as a person writes it, objects by name: `Antivirus and (Firewall or "OS updates")`.
 * An id no object has is shown as it is.
 */
export function expressionText(expression: PostureExpression, objects: readonly PostureObject[]): string {
  if ('object' in expression) {
    return nameText(objects.find((o) => o.id === expression.object)?.name ?? expression.object);
  }
  return expression.of
    .map((e) => ('object' in e ? expressionText(e, objects) : `(${expressionText(e, objects)})`))
    .join(` ${expression.op} `);
}

type Token = { kind: 'open' } | { kind: 'close' } | { kind: 'word'; text: string; quoted: boolean };

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
      throw expressionError(`a quote is not closed: ${text.slice(match.index).trim()}`);
  }
  return found;
}

/** A quoted name, JSON's escapes allowed. */
function unquote(text: string): string {
  try {
    return JSON.parse(text) as string;
  } catch {
    throw expressionError(`${text} is not a quoted name (a backslash escapes \\ and ")`);
  }
}

function expressionError(message: string): AdminError {
  return invalidField('/expression', `${message}; write names joined by and/or, with parentheses`);
}

/**
 * A body whose `expression` is the text form (`Antivirus and Firewall`, as the console and the CLI take
 * it) with that text read into the structured form, against the objects of the same transaction, and
 * without the read-only `expression_text` a GET gave (so what was read can be sent back); any other
 * body as it is, for the core's parser to judge.
 */
function withParsedExpression(input: unknown, objects: readonly PostureObject[]): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  const { expression_text: _shown, ...body } = input as Record<string, unknown>;
  const { expression } = body;
  return typeof expression === 'string'
    ? { ...body, expression: expressionFromText(expression, objects) }
    : body;
}

/**
 * The text form back to an expression, objects named by name (without regard to case) or id: AND
 * binds tighter than OR, as usual, and parentheses group.
 */
export function expressionFromText(text: string, objects: readonly PostureObject[]): PostureExpression {
  const list = tokens(text);
  let at = 0;
  const isKeyword = (t: Token | undefined, word: string): boolean =>
    t?.kind === 'word' && !t.quoted && t.text.toLowerCase() === word;
  const combine = (op: 'and' | 'or', next: () => PostureExpression): PostureExpression => {
    const of = [next()];
    while (isKeyword(list[at], op)) {
      at += 1;
      of.push(next());
    }
    return of.length === 1 ? (of[0] as PostureExpression) : { op, of };
  };
  const term = (): PostureExpression => {
    const t = list[at];
    at += 1;
    if (t === undefined) throw expressionError('the expression ends where a name was expected');
    if (t.kind === 'open') {
      const inner = combine('or', () => combine('and', term));
      if (list[at]?.kind !== 'close') throw expressionError('a "(" is not closed');
      at += 1;
      return inner;
    }
    if (t.kind === 'close') throw expressionError('a name was expected, not ")"');
    if (isKeyword(t, 'and') || isKeyword(t, 'or')) {
      throw expressionError(`a name was expected, not "${t.text}"`);
    }
    const found = objects.find((o) => o.id === t.text) ?? objects.find((o) => sameName(o.name, t.text));
    if (!found) throw invalidField('/expression', `no posture object is named ${JSON.stringify(t.text)}`);
    return { object: found.id };
  };
  const expression = combine('or', () => combine('and', term));
  if (at < list.length) {
    const t = list[at];
    throw expressionError(
      `unexpected ${t?.kind === 'word' ? JSON.stringify(t.text) : '")"'}: and/or was expected`,
    );
  }
  return expression;
}
