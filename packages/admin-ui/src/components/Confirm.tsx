import { useEffect, useId, useRef } from 'react';
import { useI18n } from '../i18n';

/**
 * A modal question with one action and Cancel: the browser's own modal <dialog> (the page behind it
 * is inert, focus stays inside, Escape cancels). Cancel has the focus first, so Enter never ends
 * anything by accident.
 */
export function Confirm({
  title,
  text,
  action,
  danger = true,
  onConfirm,
  onCancel,
}: {
  title: string;
  text: string;
  action: string;
  danger?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const textId = useId();
  useEffect(() => {
    const element = dialog.current;
    if (element === null) return;
    if (!element.open) element.showModal();
    cancel.current?.focus();
    return () => {
      element.close();
    };
  }, []);
  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby={titleId}
      aria-describedby={textId}
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      <p id={textId}>{text}</p>
      <div className="buttons">
        <button type="button" className={danger ? 'danger' : 'primary'} onClick={onConfirm}>
          {action}
        </button>
        <button type="button" ref={cancel} onClick={onCancel}>
          {t('cancel')}
        </button>
      </div>
    </dialog>
  );
}
