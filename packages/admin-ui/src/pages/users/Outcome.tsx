// What the last change on a list did: said in a live region that is always there, so it is announced.
import { useState } from 'react';
import { messageOf } from '../../api/client';
import { useI18n } from '../../i18n';

export type Outcome = { ok: boolean; text: string } | null;

export function OutcomeLine({ outcome }: { outcome: Outcome }) {
  if (outcome !== null && !outcome.ok) {
    return (
      <p role="alert" className="problem users-outcome">
        {outcome.text}
      </p>
    );
  }
  return (
    <p role="status" className="saved users-outcome">
      {outcome?.text ?? ''}
    </p>
  );
}

/**
 * The outcome of a list's changes, and `act`, which runs one: its words when done, why when it
 * failed; then the list is asked again either way.
 */
export function useOutcome(reload: () => void) {
  const { t } = useI18n();
  const [outcome, setOutcome] = useState<Outcome>(null);
  const act = async (work: () => Promise<string>) => {
    try {
      setOutcome({ ok: true, text: await work() });
    } catch (error) {
      setOutcome({ ok: false, text: t('usersActionFailed', { message: messageOf(error) }) });
    }
    reload();
  };
  return { outcome, setOutcome, act };
}
