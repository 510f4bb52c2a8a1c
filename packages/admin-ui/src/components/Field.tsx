// Labelled controls with their hint and their error: the error (from the API's `field`, or the
// form's own check) is announced, marks the control invalid, and is what the control is described by.
import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from 'react';

interface Described {
  /** A stable id, also the base of the hint's and the error's ids (CSS-safe: no colons). */
  id: string;
  label: string;
  hint?: string | undefined;
  error?: string | null | undefined;
}

function describedBy({ id, hint, error }: Described): string | undefined {
  if (error != null) return `${id}-error`;
  return hint === undefined ? undefined : `${id}-hint`;
}

function Notes({ id, hint, error }: Described): ReactNode {
  return (
    <>
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
    </>
  );
}

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id'>;

export function TextField({ id, label, hint, error, ...input }: Described & InputProps) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        aria-invalid={error != null ? true : undefined}
        aria-describedby={describedBy({ id, label, hint, error })}
        {...input}
      />
      <Notes id={id} label={label} hint={hint} error={error} />
    </div>
  );
}

export function TextAreaField({
  id,
  label,
  hint,
  error,
  ...area
}: Described & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'id'>) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        aria-invalid={error != null ? true : undefined}
        aria-describedby={describedBy({ id, label, hint, error })}
        {...area}
      />
      <Notes id={id} label={label} hint={hint} error={error} />
    </div>
  );
}

export function SelectField({
  id,
  label,
  hint,
  error,
  children,
  ...select
}: Described & Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id'> & { children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        aria-invalid={error != null ? true : undefined}
        aria-describedby={describedBy({ id, label, hint, error })}
        {...select}
      >
        {children}
      </select>
      <Notes id={id} label={label} hint={hint} error={error} />
    </div>
  );
}

export function CheckField({ id, label, hint, error, ...input }: Described & Omit<InputProps, 'type'>) {
  return (
    <div className="field check">
      <input
        id={id}
        type="checkbox"
        aria-invalid={error != null ? true : undefined}
        aria-describedby={describedBy({ id, label, hint, error })}
        {...input}
      />
      <label htmlFor={id}>{label}</label>
      <Notes id={id} label={label} hint={hint} error={error} />
    </div>
  );
}
