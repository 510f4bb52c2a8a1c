// Moving an access rule one place up or down, without the DOM. The API orders rules by position, then
// by age (then id), and changing one rule's position moves nothing else (`kordon-gateway access-rule
// move <id> <position>` is one PATCH of `position`). So a move is one PATCH too, to a position that
// puts the rule between its new neighbours in that order, or none when there is no such position:
// then the administrator gives positions in the edit form; no other rule is renumbered behind their back.
import { maxPosition } from './model';

/** What orders a rule (as GET /api/v1/access-rules lists them). */
export interface Placed {
  id: string;
  position: number;
  created_at: string;
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Evaluation order: position ascending, at one position the older first, then by id. */
export function compareRules(a: Placed, b: Placed): number {
  return a.position - b.position || compareText(a.created_at, b.created_at) || compareText(a.id, b.id);
}

/** The step the gateway leaves after the last rule. */
const step = 10;

export type Move = { ok: true; position: number } | { ok: false; reason: 'edge' | 'noRoom' | 'noRule' };

/**
 * The position that moves rule `id` one place (`-1` up, `+1` down) in `rules`: preferably one strictly
 * between the new neighbours' positions (the middle), else one equal to a neighbour's where age still
 * orders it right.
 */
export function moveOne(rules: readonly Placed[], id: string, direction: -1 | 1): Move {
  const ordered = [...rules].sort(compareRules);
  const from = ordered.findIndex((rule) => rule.id === id);
  const moved = ordered[from];
  if (moved === undefined) return { ok: false, reason: 'noRule' };
  const to = from + direction;
  if (to < 0 || to >= ordered.length) return { ok: false, reason: 'edge' };
  const others = ordered.filter((rule) => rule.id !== id);
  // In `others`, the rule goes before index `to` (up) or after the one it passes (down): either way
  // between others[to - 1] and others[to].
  const lower = others[to - 1];
  const upper = others[to];
  const fits = (position: number): boolean => {
    if (!Number.isInteger(position) || position < 0 || position > maxPosition) return false;
    const placed = { ...moved, position };
    return (
      (lower === undefined || compareRules(lower, placed) < 0) &&
      (upper === undefined || compareRules(placed, upper) < 0)
    );
  };
  const low = lower?.position ?? -1;
  const candidates =
    upper === undefined
      ? [Math.min(low + step, maxPosition), low]
      : [low + Math.floor((upper.position - low) / 2), upper.position, low];
  const position = candidates.find((candidate) => candidate !== moved.position && fits(candidate));
  return position === undefined ? { ok: false, reason: 'noRoom' } : { ok: true, position };
}
