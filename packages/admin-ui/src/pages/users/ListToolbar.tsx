import type { ReactNode } from 'react';
import { useI18n } from '../../i18n';

/** A list's toolbar: what comes first (the search), the count, announced as it changes, and Add. */
export function ListToolbar({
  testId,
  count,
  addLabel,
  onAdd,
  children,
}: {
  testId: string;
  /** The count in words; null while the list loads. */
  count: string | null;
  /** The Add button's words; null: no button (a viewer, or its form is open). */
  addLabel: string | null;
  onAdd: () => void;
  children?: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <div className="toolbar">
      {children}
      <span role="status" className="count" data-testid={testId}>
        {count ?? t('loading')}
      </span>
      {addLabel !== null && (
        <button type="button" className="primary" onClick={onAdd}>
          {addLabel}
        </button>
      )}
    </div>
  );
}
