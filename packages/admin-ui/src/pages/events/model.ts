// The event log's filters without the DOM: what the URL's query string holds, what the API is asked,
// and the browser's local times of <input type="datetime-local"> as the API's ISO 8601 (unit-tested in
// test/events.test.ts).
import type { MessageKey } from '../../i18n/en';
import type { EventItem, EventQuery } from './api';

/** The kinds the gateway logs: the API's enum of an item's `kind` (EVENT_KINDS in packages/core). */
export type EventKind = EventItem['kind'];

/** Each kind in words, in the order the filter lists them (a kind missing here does not compile). */
const kindLabels: Record<EventKind, MessageKey> = {
  login: 'eventsKindLogin',
  login_failed: 'eventsKindLoginFailed',
  session_ended: 'eventsKindSessionEnded',
  session_posture: 'eventsKindSessionPosture',
  settings_changed: 'eventsKindSettingsChanged',
  user_changed: 'eventsKindUserChanged',
  group_changed: 'eventsKindGroupChanged',
  vpn_rule_changed: 'eventsKindVpnRuleChanged',
  exemption_changed: 'eventsKindExemptionChanged',
  token_changed: 'eventsKindTokenChanged',
  admin_changed: 'eventsKindAdminChanged',
  admin_login_failed: 'eventsKindAdminLoginFailed',
  installer_changed: 'eventsKindInstallerChanged',
  directory_changed: 'eventsKindDirectoryChanged',
  posture_changed: 'eventsKindPostureChanged',
  access_rule_changed: 'eventsKindAccessRuleChanged',
};

export const eventKinds = Object.keys(kindLabels) as readonly EventKind[];

function isEventKind(kind: string): kind is EventKind {
  return (eventKinds as readonly string[]).includes(kind);
}

/** The message key of a kind, or null for one this console does not know (a newer gateway's). */
export function kindLabel(kind: string): MessageKey | null {
  return isEventKind(kind) ? kindLabels[kind] : null;
}

export interface EventFilters {
  /** None = every kind. Kept as written (a shared link may name a kind this console does not know). */
  kinds: readonly string[];
  /** Exact account name, or ''. */
  account: string;
  /** ISO 8601 (inclusive), or ''. */
  since: string;
  /** ISO 8601 (exclusive), or ''. */
  until: string;
  search: string;
  oldestFirst: boolean;
}

export const noFilters: EventFilters = {
  kinds: [],
  account: '',
  since: '',
  until: '',
  search: '',
  oldestFirst: false,
};

/** The filters a page URL's query string (location.search) holds; anything else in it is ignored. */
export function filtersFromSearch(search: string): EventFilters {
  const params = new URLSearchParams(search);
  const kinds = (params.get('kind') ?? '')
    .split(',')
    .map((kind) => kind.trim())
    .filter((kind) => kind !== '');
  return {
    kinds: [...new Set(kinds)],
    account: params.get('account') ?? '',
    since: params.get('since') ?? '',
    until: params.get('until') ?? '',
    search: params.get('search') ?? '',
    oldestFirst: params.get('sort') === 'at',
  };
}

/** The query string for the page's URL ('' without filters, else '?kind=login,login_failed&...'). */
export function searchOfFilters(filters: EventFilters): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(apiFilters(filters))) params.set(name, value);
  // Commas in the kind list stay readable: kinds are plain words.
  const text = params.toString().replace(/%2C/gi, ',');
  return text === '' ? '' : `?${text}`;
}

/** The API's filter parameters: only those set, kinds comma-separated. */
export function apiFilters(
  filters: EventFilters,
): Pick<EventQuery, 'kind' | 'account' | 'since' | 'until' | 'search' | 'sort'> {
  const query: Pick<EventQuery, 'kind' | 'account' | 'since' | 'until' | 'search' | 'sort'> = {};
  if (filters.kinds.length > 0) query.kind = filters.kinds.join(',');
  if (filters.account.trim() !== '') query.account = filters.account.trim();
  if (filters.since !== '') query.since = filters.since;
  if (filters.until !== '') query.until = filters.until;
  if (filters.search.trim() !== '') query.search = filters.search.trim();
  if (filters.oldestFirst) query.sort = 'at';
  return query;
}

export function hasFilters(filters: EventFilters): boolean {
  return Object.keys(apiFilters(filters)).some((name) => name !== 'sort');
}

const localPattern = /^(\d{4,6})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;

/**
 * A datetime-local value ("2026-12-01T09:00" or with seconds), read in this browser's time zone, as ISO
 * 8601 UTC; '' for ''; null when it is no such value.
 */
export function localInputToIso(value: string): string | null {
  if (value === '') return '';
  const match = localPattern.exec(value);
  if (match === null) return null;
  // An optional group that did not match is undefined at run time, whatever the array's type says.
  const number = (part: string | undefined) => (part === undefined ? 0 : Number(part));
  const [year, month, day, hours, minutes, seconds] = [1, 2, 3, 4, 5, 6].map((group) => number(match[group]));
  const fraction: string | undefined = match[7];
  const millis = fraction === undefined ? 0 : Number(fraction.padEnd(3, '0'));
  if (year === undefined || month === undefined || day === undefined) return null;
  if (hours === undefined || minutes === undefined || seconds === undefined) return null;
  if (hours > 23 || minutes > 59 || seconds > 59) return null;
  const at = new Date(year, month - 1, day, hours, minutes, seconds, millis);
  // Years below 100 are taken as 19xx by the constructor: set the year itself.
  at.setFullYear(year, month - 1, day);
  // The Date rolls 31 February into March: such a day is no value.
  if (at.getFullYear() !== year || at.getMonth() !== month - 1 || at.getDate() !== day) return null;
  return at.toISOString();
}

const two = (n: number) => String(n).padStart(2, '0');

/** An ISO time as a datetime-local value in this browser's time zone (to the second), or ''. */
export function isoToLocalInput(iso: string): string {
  if (iso === '') return '';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '';
  const year = String(at.getFullYear()).padStart(4, '0');
  const date = `${year}-${two(at.getMonth() + 1)}-${two(at.getDate())}`;
  return `${date}T${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}`;
}

/** kordon-events-<YYYYMMDD-HHMMSS>.<extension>, the moment in UTC (as the times in the file). */
export function exportFileName(at: Date, extension: 'csv' | 'jsonl'): string {
  const date = `${at.getUTCFullYear()}${two(at.getUTCMonth() + 1)}${two(at.getUTCDate())}`;
  const time = `${two(at.getUTCHours())}${two(at.getUTCMinutes())}${two(at.getUTCSeconds())}`;
  return `kordon-events-${date}-${time}.${extension}`;
}

/** The filter an API error's JSON Pointer names, to show the error there. */
export type FilterField = 'kinds' | 'account' | 'since' | 'until' | 'search';

export function filterFieldOf(pointer: string | null): FilterField | null {
  switch (pointer) {
    case '/kind':
      return 'kinds';
    case '/account':
      return 'account';
    case '/since':
      return 'since';
    case '/until':
      return 'until';
    case '/search':
      return 'search';
    default:
      return null;
  }
}
