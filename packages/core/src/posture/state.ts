// What a session's posture means for its access, in words for the user (`posture_state`, DECISIONS 76)
// and for the administrator's sessions list: the profiles, whether the access rules limit it, and why.
import { profileKeysOf, reachOf, reachWords, type AccessRule } from '../access-rules.js';
import type { PostureCheck } from './model.js';

export interface PostureStateView {
  profiles: string[];
  limited: boolean;
  message: string;
  checks: PostureCheck[];
}

const FAILED_SHOWN = 5;

/**
 * The state of a session whose evaluation matched `profileIds` (named `profiles`), under the access
 * rules. `note` says why there is no report to judge ("no answer within 60 s"), when that is so.
 */
export function postureStateOf(
  evaluation: { profileIds: readonly string[]; profiles: readonly string[]; checks: readonly PostureCheck[] },
  rules: readonly AccessRule[],
  note: string | null = null,
): PostureStateView {
  const reach = reachOf(profileKeysOf(evaluation.profileIds), rules);
  const failed = evaluation.checks.filter((c) => !c.passed);
  const reasons = failed.slice(0, FAILED_SHOWN).map((c) => `${c.object}: ${c.why}`);
  if (failed.length > FAILED_SHOWN) reasons.push(`${failed.length - FAILED_SHOWN} more checks failed`);
  const profileWords = `device posture profile: ${evaluation.profiles.join(', ')}`;
  const why = [note, ...reasons].filter((w): w is string => w !== null && w !== '');
  const reached = reachWords(reach);
  const access = !reach.limited
    ? 'Full access'
    : reached === 'no destination'
      ? 'No access through the gateway'
      : `Access is limited to ${reached.replace(/^only /, '')}`;
  // Failed checks matter to a user only when they cost access.
  const shown = reach.limited ? why : why.filter((w) => w === note);
  const message = `${access} (${profileWords})${shown.length > 0 ? `. ${shown.join('; ')}` : ''}`;
  return {
    profiles: [...evaluation.profiles],
    limited: reach.limited,
    message,
    checks: evaluation.checks.map((c) => ({ ...c })),
  };
}
