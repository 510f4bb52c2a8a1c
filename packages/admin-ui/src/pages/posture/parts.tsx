// Small parts the posture page's sections share: a labelled menu with its error (as Field.tsx's
// controls), an error line, and the section's add/edit state.
import type { ReactNode, SelectHTMLAttributes } from 'react';
import { ApiFailure, messageOf } from '../../api/client';

interface Described {
  id: string;
  label: string;
  hint?: string | undefined;
  error?: string | null | undefined;
}

export function SelectField({
  id,
  label,
  hint,
  error,
  children,
  ...select
}: Described & Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id'> & { children: ReactNode }) {
  const described = error != null ? `${id}-error` : hint === undefined ? undefined : `${id}-hint`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        aria-invalid={error != null ? true : undefined}
        aria-describedby={described}
        {...select}
      >
        {children}
      </select>
      {hint !== undefined && (
        <span className="hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      {error != null && (
        <span className="field-error" role="alert" id={`${id}-error`}>
          {error}
        </span>
      )}
    </div>
  );
}

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
