// Small parts both sections use: the role choice, the line that says what the last action did, and a
// modal dialog around a form or a message.
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { useI18n } from '../../i18n';
import { roles, type Role } from './model';

export function RoleField({
  id,
  label,
  value,
  onChange,
  error,
}: {
  id: string;
  label: string;
  value: Role;
  onChange: (role: Role) => void;
  error?: string | null;
}) {
  const { t } = useI18n();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value}
        aria-invalid={error != null ? true : undefined}
        aria-describedby={error != null ? `${id}-error` : undefined}
        onChange={(event) => {
          const chosen = roles.find((role) => role === event.target.value);
          if (chosen !== undefined) onChange(chosen);
        }}
      >
        {roles.map((role) => (
          <option key={role} value={role}>
            {role === 'admin' ? t('tkRoleAdminOption') : t('tkRoleViewerOption')}
          </option>
        ))}
      </select>
      {error != null && (
        <span className="field-error" role="alert" id={`${id}-error`}>
          {error}
        </span>
      )}
    </div>
  );
}

/** What the last action did, or why it failed; always in the page, so nothing moves when it changes. */
export type Outcome = { kind: 'none' } | { kind: 'done'; text: string } | { kind: 'failed'; text: string };

export function OutcomeLine({ outcome }: { outcome: Outcome }) {
  if (outcome.kind === 'failed') {
    return (
      <p role="alert" className="problem status">
        {outcome.text}
      </p>
    );
  }
  return (
    <p role="status" className="saved status">
      {outcome.kind === 'done' ? outcome.text : ''}
    </p>
  );
}

/**
 * A modal <dialog> (the page behind is inert, focus stays inside). Escape calls `onEscape`; without
 * it Escape does nothing (the new token's dialog: closing it loses the token for good). `onClosed`
 * hears any other way the browser closes it, so the page never keeps a dialog it no longer shows.
 */
export function ModalDialog({
  title,
  className,
  onEscape,
  onClosed,
  children,
}: {
  title: string;
  className?: string;
  onEscape?: () => void;
  onClosed?: () => void;
  children: ReactNode;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const element = dialog.current;
    if (element === null) return;
    if (!element.open) element.showModal();
    return () => {
      element.close();
    };
  }, []);
  return (
    <dialog
      ref={dialog}
      className={className === undefined ? 'dialog' : `dialog ${className}`}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onEscape?.();
      }}
      onClose={onClosed}
    >
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  );
}
