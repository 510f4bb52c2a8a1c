// The shape of every /api/v1 list (DECISIONS 44): ?search=&sort=&limit=&cursor= in, and
// {"items","total","next_cursor"} out. The cursor is opaque to callers: base64url JSON of the sort,
// search and filters it was made for and where its page ended (core/paging.ts does the keyset work).
import Type, { type TSchema } from 'typebox';
import { pageOf, parseSort, type ListSpec, type PagePosition, type Sort } from '@kordon/core';
import { invalidField } from './errors.js';

const defaultLimit = 100;
const maxLimit = 1000;

/** Spread into a route's querystring object. */
export const PageQuery = {
  search: Type.Optional(
    Type.String({ maxLength: 256, description: 'a case-insensitive substring of the fields the list names' }),
  ),
  sort: Type.Optional(Type.String({ maxLength: 64, description: 'a field, or -field for descending' })),
  limit: Type.Optional(Type.String({ description: `1 to ${maxLimit}, default ${defaultLimit}` })),
  cursor: Type.Optional(
    Type.String({
      maxLength: 2048,
      description: 'the next_cursor of the previous page (same search and sort)',
    }),
  ),
};

/** The querystring of a list that takes nothing else. */
export const PageQuerystring = Type.Object(PageQuery, { additionalProperties: false });

export interface PageParams {
  search?: string | undefined;
  sort?: string | undefined;
  limit?: string | undefined;
  cursor?: string | undefined;
}

export function PageOf<T extends TSchema>(item: T, description?: string) {
  return Type.Object(
    {
      items: Type.Array(item),
      total: Type.Integer({ description: 'how many items match the search and filters, on every page' }),
      next_cursor: Type.Union([Type.String(), Type.Null()], {
        description: 'pass as ?cursor= for the next page; null on the last page',
      }),
    },
    description === undefined ? {} : { description },
  );
}

export interface PageReply<T> {
  items: T[];
  total: number;
  next_cursor: string | null;
}

/** `?limit=`: nothing is coerced (DECISIONS 7), so the number arrives as text and is read here. */
export function parseLimit(text: string | undefined): number {
  if (text === undefined) return defaultLimit;
  const limit = /^[0-9]{1,4}$/.test(text) ? Number(text) : NaN;
  if (!(limit >= 1 && limit <= maxLimit)) {
    throw invalidField('/limit', `query parameter "limit" must be a whole number from 1 to ${maxLimit}`);
  }
  return limit;
}

/** What a page request means, checked: the sort against the list's fields, the cursor against both. */
export interface ParsedPage {
  search: string;
  sort: Sort;
  limit: number;
  after: PagePosition | undefined;
  /** Written into next_cursor: the sort, search and filters this page was asked with. */
  context: string;
}

export function parsePage<T>(query: PageParams, spec: ListSpec<T>, filters = ''): ParsedPage {
  const sorted = parseSort(query.sort, spec);
  if (!sorted.ok) throw invalidField('/sort', sorted.message);
  const search = query.search ?? '';
  const sortText = `${sorted.sort.descending ? '-' : ''}${sorted.sort.field}`;
  const context = JSON.stringify([sortText, search, filters]);
  return {
    search,
    sort: sorted.sort,
    limit: parseLimit(query.limit),
    after: query.cursor === undefined ? undefined : decodeCursor(query.cursor, context),
    context,
  };
}

export function encodeCursor(position: PagePosition, context: string): string {
  return Buffer.from(JSON.stringify({ c: context, k: position.key, i: position.id })).toString('base64url');
}

function decodeCursor(cursor: string, context: string): PagePosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) throw notOurs();
  const { c, k, i } = parsed as Record<string, unknown>;
  const keyOk = k === null || typeof k === 'string' || (typeof k === 'number' && Number.isFinite(k));
  if (typeof c !== 'string' || typeof i !== 'string' || !keyOk) throw notOurs();
  if (c !== context) {
    throw invalidField(
      '/cursor',
      'this cursor was made for another sort, search or filter: start again without it',
    );
  }
  return { key: k, id: i };
}

function notOurs(): Error {
  return invalidField('/cursor', 'cursor is not a next_cursor this gateway gave: start again without it');
}

/** A page of an in-memory list (the lists of an administrator's own objects are small). */
export function page<T, Item>(
  all: readonly T[],
  query: PageParams,
  spec: ListSpec<T>,
  toItem: (value: T) => Item,
  filters = '',
): PageReply<Item> {
  const request = parsePage(query, spec, filters);
  const result = pageOf(all, request, spec);
  return {
    items: result.items.map(toItem),
    total: result.total,
    next_cursor: result.last === undefined ? null : encodeCursor(result.last, request.context),
  };
}
