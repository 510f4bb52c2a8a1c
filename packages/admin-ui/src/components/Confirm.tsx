import { useRef } from 'react';
import { useI18n } from '../i18n';
import { Dialog } from './Dialog';

/**
 * A modal question with one action and Cancel (Escape cancels too). Cancel has the focus first, so
 * Enter never ends anything by accident.
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
  const cancel = useRef<HTMLButtonElement>(null);
  return (
    <Dialog title={title} text={text} focusFirst={cancel} onEscape={onCancel}>
      <div className="buttons">
        <button type="button" className={danger ? 'danger' : 'primary'} onClick={onConfirm}>
          {action}
        </button>
        <button type="button" ref={cancel} onClick={onCancel}>
          {t('cancel')}
        </button>
      </div>
    </Dialog>
  );
}
