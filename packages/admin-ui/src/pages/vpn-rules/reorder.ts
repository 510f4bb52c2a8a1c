// Planning a move of a VPN-access rule (DECISIONS 17) as PATCHes of positions, without the DOM. Every
// PATCH re-judges live external sessions at once, so no step may put the other rules in a wrong order
// even for a moment: room is made by moving rules only up, the last first, into space the ones after
// them already left; then the moved rule goes into the gap with one PATCH.

/** The largest position the API takes. */
export const maxPosition = 999_999_999;
/** Room left between rules that are spread apart (the gateway's own step after the last rule). */
const positionStep = 10;

/** What orders a rule: its position, then its age, then its id (as GET /api/v1/vpn-rules lists them). */
export interface Placed {
  id: string;
  position: number;
  created_at: string;
}

export interface PositionPatch {
  id: string;
  position: number;
}

export type MovePlan = { ok: true; patches: PositionPatch[] } | { ok: false; reason: 'no-room' | 'no-rule' };

/** Room for one rule at `index` of a list: the other rules' patches, in the order to send them, and the position. */
export type SlotPlan =
  { ok: true; spread: PositionPatch[]; position: number } | { ok: false; reason: 'no-room' };

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Evaluation order: position ascending, at one position the older first, then by id. */
export function compareRules(a: Placed, b: Placed): number {
  return a.position - b.position || compareText(a.created_at, b.created_at) || compareText(a.id, b.id);
}

export function inOrder<T extends Placed>(rules: readonly T[]): T[] {
  return [...rules].sort(compareRules);
}

/** A position strictly between two (the top's lower bound is -1: never below 0). */
const between = (lower: number, upper: number): number => lower + Math.ceil((upper - lower) / 2);

/**
 * Room for a new place at `index` of `ordered` (a list in evaluation order that does not hold the rule
 * being placed). With an integer gap between the neighbours: a position in it, nothing else moves.
 * Without one (neighbours at 10 and 11, ties, 0 at the top): the rules from `index` on are moved up,
 * new_i = max(old_i, new_(i-1) + step), until one needs no change; so every rule keeps or raises its
 * position, the moved ones are strictly increasing, and sending them the last first keeps their order.
 */
export function planSlot(ordered: readonly Placed[], index: number): SlotPlan {
  const before = index > 0 ? ordered[index - 1] : undefined;
  const after = ordered[index];
  const lower = before?.position ?? -1;
  if (after === undefined) {
    // At the end: the gateway's default, last + step (or as much as is left below the maximum).
    const position =
      before === undefined ? positionStep : Math.min(before.position + positionStep, maxPosition);
    return position > lower ? { ok: true, spread: [], position } : { ok: false, reason: 'no-room' };
  }
  if (after.position - lower >= 2) return { ok: true, spread: [], position: between(lower, after.position) };

  const raised: PositionPatch[] = [];
  let floor = Math.max(lower, 0);
  for (let i = index; i < ordered.length; i++) {
    const rule = ordered[i];
    if (rule === undefined) break;
    const position = Math.max(rule.position, floor + positionStep);
    if (position === rule.position) break;
    if (position > maxPosition) return { ok: false, reason: 'no-room' };
    raised.push({ id: rule.id, position });
    floor = position;
  }
  const upper = raised[0]?.position ?? after.position;
  return { ok: true, spread: raised.reverse(), position: between(lower, upper) };
}

/**
 * The PATCHes that put rule `id` at `toIndex` of the evaluation order (0 = first; clamped to the list),
 * to be sent one after another: first the others' (if room must be made), then the moved rule's.
 * PATCHes that would change nothing are left out; a rule already there needs none.
 */
export function planMove(rules: readonly Placed[], id: string, toIndex: number): MovePlan {
  const ordered = inOrder(rules);
  const from = ordered.findIndex((rule) => rule.id === id);
  const moved = ordered[from];
  if (moved === undefined) return { ok: false, reason: 'no-rule' };
  const target = Math.max(0, Math.min(Math.trunc(toIndex), ordered.length - 1));
  if (target === from) return { ok: true, patches: [] };
  const others = ordered.filter((rule) => rule.id !== id);
  const slot = planSlot(others, target);
  if (!slot.ok) return slot;
  // Made room can leave the rule where it already stands between its new neighbours: then it stays.
  const lower = others[target - 1]?.position ?? -1;
  const upper = slot.spread.at(-1)?.position ?? others[target]?.position ?? Number.POSITIVE_INFINITY;
  const alreadyThere = slot.spread.length > 0 && moved.position > lower && moved.position < upper;
  return {
    ok: true,
    patches: alreadyThere ? slot.spread : [...slot.spread, { id, position: slot.position }],
  };
}

/** The rules with `patches` applied one after another (what the gateway holds after them). */
export function applyPatches<T extends Placed>(rules: readonly T[], patches: readonly PositionPatch[]): T[] {
  let current = [...rules];
  for (const patch of patches) {
    current = current.map((rule) => (rule.id === patch.id ? { ...rule, position: patch.position } : rule));
  }
  return current;
}

/** The list as it will be once `id` is at `toIndex`: what the page shows while the move is applied. */
export function movedTo<T extends Placed>(rules: readonly T[], id: string, toIndex: number): T[] {
  const ordered = inOrder(rules);
  const moved = ordered.find((rule) => rule.id === id);
  if (moved === undefined) return ordered;
  const others = ordered.filter((rule) => rule.id !== id);
  const target = Math.max(0, Math.min(Math.trunc(toIndex), others.length));
  return [...others.slice(0, target), moved, ...others.slice(target)];
}

/** The index a rule at `from` ends at when dropped before the row at `insertion` (null: it stays). */
export function dropIndex(from: number, insertion: number): number | null {
  if (insertion === from || insertion === from + 1) return null;
  return insertion > from ? insertion - 1 : insertion;
}
