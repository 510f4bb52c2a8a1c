// What the last change on a list did: said in a live region that is always there, so it is announced.

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
