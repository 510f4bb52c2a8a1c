// The shapes the posture page reads and sends, taken from the generated OpenAPI types (never written
// by hand). A profile's expression travels as text (`expression_text`), so its nesting is the gateway's.
import type { paths } from '../../api/schema';
import type { Json200 } from '../../api/types';

type ObjectPage = Json200<paths['/api/v1/posture/objects']['get']>;
export type PostureObject = ObjectPage['items'][number];
export type Criterion = PostureObject['criteria'][number];
export type Check = Criterion['check'];

type ProfilePage = Json200<paths['/api/v1/posture/profiles']['get']>;
export type PostureProfile = ProfilePage['items'][number];

type RulePage = Json200<paths['/api/v1/access-rules']['get']>;
export type AccessRule = RulePage['items'][number];
export type RuleAction = AccessRule['action'];

export type PostureSettings = Json200<paths['/api/v1/posture/settings']['get']>;

/** The reserved profile key of access rules: the sessions that match no profile (docs/posture.md). */
export const noProfileKey = 'device without profile';

/** The largest position an access rule takes (the API's limit). */
export const maxPosition = 999_999_999;

/** A JSON Pointer's tokens (RFC 6901): `/criteria/1/max_days` is ["criteria", "1", "max_days"]. */
export function pointerTokens(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .split('/')
    .slice(1)
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** Everything a list route gives, page after page (posture lists hold tens of items, not thousands). */
export async function allPages<T>(
  fetchPage: (cursor: string | null) => Promise<{ items: T[]; next_cursor: string | null }>,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const reply: { items: T[]; next_cursor: string | null } = await fetchPage(cursor);
    items.push(...reply.items);
    cursor = reply.next_cursor;
  } while (cursor !== null);
  return items;
}
