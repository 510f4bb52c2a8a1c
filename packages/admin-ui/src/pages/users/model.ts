// The users and groups page without the DOM: the shapes it reads (from the generated API types), the
// list queries it sends, who is in which group, and an API refusal split into the form's fields.
import { ApiFailure, messageOf } from '../../api/client';
import type { paths } from '../../api/schema';
import type { Json200 } from '../../api/types';

type UserPage = Json200<paths['/api/v1/users']['get']>;
export type UserItem = UserPage['items'][number];
type GroupPage = Json200<paths['/api/v1/groups']['get']>;
export type GroupItem = GroupPage['items'][number];
export type ListQuery = NonNullable<paths['/api/v1/users']['get']['parameters']['query']>;

/** The users list's sortable fields (GET /api/v1/users: name, created_at). */
export type UserSortField = 'name' | 'created_at';
export interface UserSort {
  field: UserSortField;
  descending: boolean;
}
export const initialUserSort: UserSort = { field: 'name', descending: false };

/** Rows asked per page: enough to fill the screen, few enough to come at once. */
export const userPageSize = 25;
/** Groups are few; their members also fill the users' "groups" column, so one page holds many. */
export const groupPageSize = 200;

/** The query for one page of users: empty values left out, as the gateway's defaults apply. */
export function userQuery(search: string, sort: UserSort, cursor: string | null): ListQuery {
  const query: ListQuery = { limit: String(userPageSize) };
  const text = search.trim();
  if (text !== '') query.search = text;
  if (sort.field !== initialUserSort.field || sort.descending)
    query.sort = `${sort.descending ? '-' : ''}${sort.field}`;
  if (cursor !== null) query.cursor = cursor;
  return query;
}

/** A click on a column's header: that column ascending, or the other way when it is already sorted by it. */
export function toggledSort(before: UserSort, field: UserSortField): UserSort {
  return before.field === field ? { field, descending: !before.descending } : { field, descending: false };
}

/** Each user's groups, sorted by name, from the groups list (the users list does not carry them). */
export function membershipsOf(groups: readonly GroupItem[]): ReadonlyMap<string, readonly string[]> {
  const memberships = new Map<string, string[]>();
  for (const group of groups) {
    for (const member of group.members) {
      const list = memberships.get(member);
      if (list === undefined) memberships.set(member, [group.name]);
      else list.push(group.name);
    }
  }
  for (const list of memberships.values()) list.sort();
  return memberships;
}

/** The user names a member picker offers for a group: those not in it already. */
export function candidatesFor(group: GroupItem, names: readonly string[]): string[] {
  const members = new Set(group.members);
  return names.filter((name) => !members.has(name));
}

/** Where a refusal is shown: at one of the form's fields (named by JSON Pointer), or for the whole form. */
export interface FormProblem {
  fields: Readonly<Record<string, string>>;
  general: string | null;
}

export const noProblem: FormProblem = { fields: {}, general: null };

/**
 * The API's refusal at the field it names (`ApiFailure.field`) when the form has that field; else
 * at `fallback` when given (a form of one field), else for the whole form.
 */
export function formProblemOf(error: unknown, fields: readonly string[], fallback?: string): FormProblem {
  const message = messageOf(error);
  const field = error instanceof ApiFailure ? error.field : null;
  if (field !== null && fields.includes(field)) return { fields: { [field]: message }, general: null };
  if (fallback !== undefined) return { fields: { [fallback]: message }, general: null };
  return { fields: {}, general: message };
}
