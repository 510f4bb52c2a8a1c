// Small parts the posture page's sections share: an error line, and the section's add/edit state.
import { ApiFailure, messageOf } from '../../api/client';

/** An error not at any one field, announced. */
export function Problem({ text }: { text: string | null }) {
  if (text === null) return null;
  return (
    <p role="alert" className="problem">
      {text}
    </p>
  );
}

/** What a section's form is doing: nothing, adding, or editing one item. */
export type Editing<T> = { kind: 'none' } | { kind: 'new' } | { kind: 'edit'; item: T };

/** A failed request's JSON Pointer (null when it names no field). */
export function fieldOf(error: unknown): string | null {
  return error instanceof ApiFailure ? error.field : null;
}

export { messageOf };
