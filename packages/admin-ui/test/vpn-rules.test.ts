// The VPN-access rules page's model without a browser: planning a move as position PATCHes that never
// put the other rules in a wrong order (src/pages/vpn-rules/reorder.ts), where a drop lands, and the
// names typed in a field.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyPatches,
  compareRules,
  dropIndex,
  inOrder,
  maxPosition,
  movedTo,
  planMove,
  planSlot,
  type Placed,
  type PositionPatch,
} from '../src/pages/vpn-rules/reorder.js';
import { fieldOf, namesOf } from '../src/pages/vpn-rules/rules.js';

const made = (minute: number): string => new Date(Date.UTC(2026, 11, 1, 8, minute)).toISOString();

/** Rules made a minute apart, in the order given: `rules(10, 20)` is a at 10, b at 20. */
function rules(...positions: number[]): Placed[] {
  return positions.map((position, index) => ({
    id: String.fromCharCode(97 + index),
    position,
    created_at: made(index),
  }));
}

const ids = (list: readonly Placed[]): string[] => inOrder(list).map((rule) => rule.id);

function patchesOf(list: readonly Placed[], id: string, toIndex: number): PositionPatch[] {
  const plan = planMove(list, id, toIndex);
  if (!plan.ok) throw new Error(`no plan: ${plan.reason}`);
  return plan.patches;
}

describe('planMove', () => {
  it('puts a rule into an integer gap with one PATCH: at the top below the first, at the bottom last + 10', () => {
    const list = rules(10, 20, 30);
    expect(patchesOf(list, 'c', 0)).toStrictEqual([{ id: 'c', position: 5 }]);
    expect(patchesOf(list, 'a', 2)).toStrictEqual([{ id: 'a', position: 40 }]);
    expect(patchesOf(list, 'a', 1)).toStrictEqual([{ id: 'a', position: 25 }]);
    expect(patchesOf(list, 'c', 1)).toStrictEqual([{ id: 'c', position: 15 }]);
    expect(patchesOf(rules(1, 20), 'b', 0)).toStrictEqual([{ id: 'b', position: 0 }]);
    expect(patchesOf(rules(10, 12, 30), 'c', 1)).toStrictEqual([{ id: 'c', position: 11 }]);
  });

  it('asks nothing for a rule already in its place, and clamps the index to the list', () => {
    expect(patchesOf(rules(10, 20, 30), 'b', 1)).toStrictEqual([]);
    expect(patchesOf(rules(10, 10, 10), 'c', 2)).toStrictEqual([]);
    expect(patchesOf(rules(10, 20), 'a', 99)).toStrictEqual([{ id: 'a', position: 30 }]);
    expect(patchesOf(rules(10, 20), 'b', -5)).toStrictEqual([{ id: 'b', position: 5 }]);
    expect(planMove(rules(10), 'x', 0)).toStrictEqual({ ok: false, reason: 'no-rule' });
  });

  it('without a gap (10 and 11) first raises the rules below the place, the last first, then moves the rule', () => {
    const list = rules(10, 11, 12, 40, 50);
    // e to between a and b: b, c raised (b 20, c 30), d at 40 already has room; sent c first.
    expect(patchesOf(list, 'e', 1)).toStrictEqual([
      { id: 'c', position: 30 },
      { id: 'b', position: 20 },
      { id: 'e', position: 15 },
    ]);
    expect(ids(applyPatches(list, patchesOf(list, 'e', 1)))).toStrictEqual(['a', 'e', 'b', 'c', 'd']);
  });

  it('spreads ties, and a top at 0, without changing their order', () => {
    const tied = rules(10, 10, 10);
    expect(patchesOf(tied, 'c', 1)).toStrictEqual([
      { id: 'b', position: 20 },
      { id: 'c', position: 15 },
    ]);
    const zero = rules(0, 5, 30);
    expect(patchesOf(zero, 'c', 0)).toStrictEqual([
      { id: 'b', position: 20 },
      { id: 'a', position: 10 },
      { id: 'c', position: 5 },
    ]);
  });

  it('leaves the moved rule alone when the room made puts it in its place already', () => {
    // b raised to 20 leaves c (12) between a (10) and b: no PATCH of c is needed.
    expect(patchesOf(rules(10, 11, 12), 'c', 1)).toStrictEqual([{ id: 'b', position: 20 }]);
  });

  it('refuses a move that would take a position past 999999999, and changes nothing', () => {
    const high = rules(maxPosition - 1, maxPosition, 5);
    expect(planMove(high, 'c', 1)).toStrictEqual({ ok: false, reason: 'no-room' });
    expect(planMove(rules(maxPosition, 5), 'b', 1)).toStrictEqual({ ok: false, reason: 'no-room' });
    // At the bottom, what is left below the maximum.
    expect(patchesOf(rules(maxPosition - 3, 5), 'b', 1)).toStrictEqual([{ id: 'b', position: maxPosition }]);
  });

  it('planSlot gives the place for a new rule at the top, with the room made first', () => {
    expect(planSlot(inOrder(rules(10, 20)), 0)).toStrictEqual({ ok: true, spread: [], position: 5 });
    expect(planSlot(inOrder(rules(0, 20)), 0)).toStrictEqual({
      ok: true,
      spread: [{ id: 'a', position: 10 }],
      position: 5,
    });
    expect(planSlot([], 0)).toStrictEqual({ ok: true, spread: [], position: 10 });
  });
});

/** Rules with positions that collide often (ties, no gaps, 0) or sit near the maximum. */
const ruleList = fc
  .uniqueArray(
    fc.record({
      id: fc.string({ minLength: 1, maxLength: 3 }),
      position: fc.oneof(
        fc.integer({ min: 0, max: 25 }),
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: maxPosition - 40, max: maxPosition }),
      ),
      created_at: fc.integer({ min: 0, max: 4 }).map(made),
    }),
    { minLength: 1, maxLength: 14, selector: (rule) => rule.id },
  )
  .chain((list) =>
    fc.record({
      list: fc.constant(list),
      moved: fc.integer({ min: 0, max: list.length - 1 }),
      toIndex: fc.integer({ min: 0, max: list.length - 1 }),
    }),
  );

describe('planMove, for any rules and any move', () => {
  it('ends in the wanted order, never reorders the others in between, and keeps positions in range', () => {
    fc.assert(
      fc.property(ruleList, ({ list, moved, toIndex }) => {
        const before = inOrder(list);
        const id = before[moved]?.id ?? '';
        const plan = planMove(list, id, toIndex);
        if (!plan.ok) {
          // Only a list that reaches the maximum can lack room.
          expect(plan.reason).toBe('no-room');
          expect(list.some((rule) => rule.position > maxPosition - 200)).toBe(true);
          return;
        }
        const others = (state: readonly Placed[]) => ids(state).filter((other) => other !== id);
        const positionOf = (state: readonly Placed[]) => state.find((rule) => rule.id === id)?.position;
        const wanted = movedTo(list, id, toIndex).map((rule) => rule.id);
        const newIndex = wanted.indexOf(id);
        let state: Placed[] = [...list];
        plan.patches.forEach((patch, step) => {
          const previous = state.find((rule) => rule.id === patch.id);
          // No PATCH changes nothing; the others only ever move up.
          expect(previous?.position).not.toBe(patch.position);
          if (patch.id !== id) expect(patch.position).toBeGreaterThan(previous?.position ?? Infinity);
          state = applyPatches(state, [patch]);
          // (c) every position stays one the API takes.
          for (const rule of state) {
            expect(rule.position).toBeGreaterThanOrEqual(0);
            expect(rule.position).toBeLessThanOrEqual(maxPosition);
          }
          if (step < plan.patches.length - 1) {
            // (b) in between: the others' order is unchanged and the moved rule has not moved yet,
            expect(others(state)).toStrictEqual(others(before));
            expect(positionOf(state)).toBe(positionOf(list));
            // so it stands between its old and new place (each session is judged as before or as after).
            const at = ids(state).indexOf(id);
            expect(at).toBeGreaterThanOrEqual(Math.min(moved, newIndex));
            expect(at).toBeLessThanOrEqual(Math.max(moved, newIndex));
          }
        });
        // (a) after the last PATCH: the wanted order.
        expect(ids(state)).toStrictEqual(wanted);
        // Each rule is sent at most once, the moved one last.
        const sent = plan.patches.map((patch) => patch.id);
        expect(new Set(sent).size).toBe(sent.length);
        if (sent.includes(id)) expect(sent.at(-1)).toBe(id);
      }),
      { numRuns: 3000 },
    );
  });

  it('plans nothing for a rule moved to where it already is', () => {
    fc.assert(
      fc.property(ruleList, ({ list, moved }) => {
        const id = inOrder(list)[moved]?.id ?? '';
        expect(planMove(list, id, moved)).toStrictEqual({ ok: true, patches: [] });
      }),
    );
  });

  it('planSlot makes a place at the top without reordering and below every other rule', () => {
    fc.assert(
      fc.property(ruleList, ({ list }) => {
        const slot = planSlot(inOrder(list), 0);
        if (!slot.ok) return;
        let state: Placed[] = [...list];
        for (const patch of slot.spread) {
          state = applyPatches(state, [patch]);
          expect(ids(state)).toStrictEqual(ids(list));
        }
        expect(slot.position).toBeGreaterThanOrEqual(0);
        const first = inOrder(state)[0];
        expect(first === undefined || slot.position < first.position).toBe(true);
      }),
    );
  });
});

describe('ordering, drops and names', () => {
  it('orders by position, then the older first, then by id', () => {
    const a = { id: 'b', position: 10, created_at: made(1) };
    const b = { id: 'a', position: 10, created_at: made(2) };
    const c = { id: 'c', position: 10, created_at: made(2) };
    expect(compareRules(a, b)).toBeLessThan(0);
    expect(compareRules(b, c)).toBeLessThan(0);
    expect(inOrder([c, b, { ...a, position: 11 }]).map((rule) => rule.id)).toStrictEqual(['a', 'c', 'b']);
  });

  it('dropIndex: a drop before a row, or after the last, gives the rule’s new index; next to itself none', () => {
    expect(dropIndex(2, 0)).toBe(0);
    expect(dropIndex(0, 3)).toBe(2);
    expect(dropIndex(0, 2)).toBe(1);
    expect(dropIndex(1, 1)).toBeNull();
    expect(dropIndex(1, 2)).toBeNull();
  });

  it('namesOf splits on commas and lines; fieldOf names the form field of an API pointer', () => {
    expect(namesOf(' alice, bob ,,\n*')).toStrictEqual(['alice', 'bob', '*']);
    expect(namesOf('   ')).toStrictEqual([]);
    expect(fieldOf('/users')).toBe('users');
    expect(fieldOf('/groups/2')).toBe('groups');
    expect(fieldOf('/position')).toBe('position');
    expect(fieldOf('/other')).toBeNull();
    expect(fieldOf(null)).toBeNull();
  });
});
