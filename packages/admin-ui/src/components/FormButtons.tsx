import { useI18n } from '../i18n';

/**
 * A form's submit button and Cancel. The submit is off while the form is being sent (`busy`), saying
 * so when there is a `busyLabel`, and whenever `disabled` (the form is not complete yet).
 */
export function FormButtons({
  label,
  busyLabel,
  busy,
  disabled = false,
  onCancel,
}: {
  label: string;
  busyLabel?: string;
  busy: boolean;
  disabled?: boolean;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  return (
    <div className="buttons">
      <button type="submit" className="primary" disabled={busy || disabled}>
        {busy && busyLabel !== undefined ? busyLabel : label}
      </button>
      <button type="button" onClick={onCancel}>
        {t('cancel')}
      </button>
    </div>
  );
}
