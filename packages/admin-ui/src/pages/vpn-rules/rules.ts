// The VPN-access rules' shapes (from the generated OpenAPI types) and what the page does with them
// without the DOM: every page of the list, the names typed in a field, an API error's field.
import { api, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';
import type { Json200 } from '../../api/types';

type VpnRulePage = Json200<paths['/api/v1/vpn-rules']['get']>;
export type VpnRule = VpnRulePage['items'][number];
export type VpnRuleAction = VpnRule['action'];

/** The gateway lists at most this many a page; the rules are tens, so every page is loaded. */
const pageLimit = '1000';

/** Every rule, in the gateway's evaluation order. */
export async function loadAllRules(): Promise<VpnRule[]> {
  const rules: VpnRule[] = [];
  let cursor: string | null = null;
  do {
    const query: { limit: string; cursor?: string } =
      cursor === null ? { limit: pageLimit } : { limit: pageLimit, cursor };
    const page = unwrap(await api.GET('/api/v1/vpn-rules', { params: { query } }));
    rules.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor !== null);
  return rules;
}

/** Names typed with commas between them (or one a line): trimmed, the empty ones left out. */
export function namesOf(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

/** The form's field an API error names: `/users/2` is the users field. */
export type RuleField = 'action' | 'users' | 'groups' | 'position';

export function fieldOf(pointer: string | null): RuleField | null {
  const top = pointer?.split('/')[1];
  return top === 'action' || top === 'users' || top === 'groups' || top === 'position' ? top : null;
}
