// A posture form's save: busy while its request runs, then `onSaved`, or the refusal the form shows
// (at the field the API's pointer names, in each form's own terms).
import { useState } from 'react';
import { unwrap } from '../../api/client';

export function useSave<R>(onSaved: () => void) {
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<R | null>(null);
  const save = (
    request: Promise<{ error?: unknown; response: Response }>,
    refusalOf: (error: unknown) => R,
  ) => {
    setBusy(true);
    setRefusal(null);
    request
      .then((result) => {
        unwrap(result);
        onSaved();
      })
      .catch((error: unknown) => {
        setRefusal(refusalOf(error));
      })
      .finally(() => {
        setBusy(false);
      });
  };
  return { busy, refusal, setRefusal, save };
}
