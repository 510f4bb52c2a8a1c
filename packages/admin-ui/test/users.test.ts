// The users and groups page's model (src/pages/users/model.ts) without a browser: the list query it
// sends, sorting by a column, who is in which group, and where an API refusal is shown.
import { describe, expect, it } from 'vitest';
import { ApiFailure } from '../src/api/client.js';
import { repeatDiffers } from '../src/components/NewPasswordFields.js';
import {
  candidatesFor,
  formProblemOf,
  initialUserSort,
  membershipsOf,
  toggledSort,
  userPageSize,
  userQuery,
  type GroupItem,
} from '../src/pages/users/model.js';

const group = (name: string, members: string[]): GroupItem => ({
  name,
  members,
  created_at: '2026-12-01T08:00:00.000Z',
});

const failure = (status: number, code: string, field: string | null) =>
  new ApiFailure(status, { code, message: `${code} words`, field }, null);

describe('the users query', () => {
  it('leaves out what the gateway defaults: no search, the name order, no cursor', () => {
    expect(userQuery('', initialUserSort, null)).toStrictEqual({ limit: String(userPageSize) });
    expect(userQuery('   ', initialUserSort, null)).toStrictEqual({ limit: String(userPageSize) });
  });

  it('sends the trimmed search, a descending or other sort, and the cursor', () => {
    expect(userQuery(' ali ', { field: 'created_at', descending: true }, 'c1')).toStrictEqual({
      limit: String(userPageSize),
      search: 'ali',
      sort: '-created_at',
      cursor: 'c1',
    });
    expect(userQuery('', { field: 'name', descending: true }, null).sort).toBe('-name');
    expect(userQuery('', { field: 'created_at', descending: false }, null).sort).toBe('created_at');
  });

  it('a header clicked sorts by it ascending, clicked again descending', () => {
    const byCreated = toggledSort(initialUserSort, 'created_at');
    expect(byCreated).toStrictEqual({ field: 'created_at', descending: false });
    expect(toggledSort(byCreated, 'created_at')).toStrictEqual({ field: 'created_at', descending: true });
    expect(toggledSort(initialUserSort, 'name')).toStrictEqual({ field: 'name', descending: true });
  });
});

describe('memberships', () => {
  it("gives each user their groups, sorted, from the groups' members", () => {
    const memberships = membershipsOf([
      group('sales', ['alice', 'bob']),
      group('admins', ['alice']),
      group('empty', []),
    ]);
    expect(memberships.get('alice')).toStrictEqual(['admins', 'sales']);
    expect(memberships.get('bob')).toStrictEqual(['sales']);
    expect(memberships.get('carol')).toBeUndefined();
  });

  it('offers as new members only those not in the group yet', () => {
    expect(candidatesFor(group('sales', ['alice']), ['alice', 'bob', 'carol'])).toStrictEqual([
      'bob',
      'carol',
    ]);
  });
});

describe('a refusal shown in a form', () => {
  it('goes to the field the API names when the form has it', () => {
    expect(formProblemOf(failure(409, 'conflict', '/name'), ['/name', '/password'])).toStrictEqual({
      fields: { '/name': 'conflict words' },
      general: null,
    });
    expect(formProblemOf(failure(400, 'invalid_field', '/password'), ['/name', '/password'])).toStrictEqual({
      fields: { '/password': 'invalid_field words' },
      general: null,
    });
  });

  it('is for the whole form when it names no field of it, or at the fallback of a one-field form', () => {
    expect(formProblemOf(failure(403, 'forbidden', null), ['/name'])).toStrictEqual({
      fields: {},
      general: 'forbidden words',
    });
    expect(formProblemOf(failure(400, 'unknown_field', '/other'), ['/name'])).toStrictEqual({
      fields: {},
      general: 'unknown_field words',
    });
    expect(formProblemOf(failure(404, 'not_found', null), [], '/user')).toStrictEqual({
      fields: { '/user': 'not_found words' },
      general: null,
    });
    expect(formProblemOf(new TypeError('Failed to fetch'), ['/name']).general).toBe('Failed to fetch');
  });

  it('the repeated password is checked here, the rest by the gateway', () => {
    expect(repeatDiffers({ password: 'secret one', repeat: 'secret one' })).toBe(false);
    expect(repeatDiffers({ password: 'secret one', repeat: 'secret two' })).toBe(true);
    expect(repeatDiffers({ password: '', repeat: '' })).toBe(false);
  });
});
