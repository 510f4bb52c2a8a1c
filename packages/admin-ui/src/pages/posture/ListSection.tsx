// What the posture page's three lists share: the section with its heading and hint, Add (or, in its
// place, the form that adds or edits one item), the line that says why a change failed, the table or
// the words for none; and each row's Edit and Remove.
import type { ReactNode } from 'react';
import { useI18n } from '../../i18n';
import { Problem, type Editing } from './parts';

export function ListSection<T>({
  id,
  title,
  hint,
  addLabel,
  canChange,
  editing,
  onEditing,
  onChanged,
  form,
  problem,
  empty,
  table,
  children,
}: {
  /** The heading's id: it names the section (and its table). */
  id: string;
  title: string;
  hint: string;
  addLabel: string;
  canChange: boolean;
  editing: Editing<T>;
  onEditing: (editing: Editing<T>) => void;
  onChanged: () => void;
  /** The form that adds an item (null) or edits this one; it closes when saved or cancelled. */
  form: (item: T | null, close: { onSaved: () => void; onCancel: () => void }) => ReactNode;
  problem: string | null;
  /** Shown instead of the table when there is nothing; null: the table. */
  empty: string | null;
  table: ReactNode;
  /** What follows the table. */
  children?: ReactNode;
}) {
  const close = {
    onSaved: () => {
      onEditing({ kind: 'none' });
      onChanged();
    },
    onCancel: () => {
      onEditing({ kind: 'none' });
    },
  };
  return (
    <section className="page-section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <p className="muted">{hint}</p>
      {canChange && editing.kind === 'none' && (
        <div className="toolbar">
          <button
            type="button"
            className="primary"
            onClick={() => {
              onEditing({ kind: 'new' });
            }}
          >
            {addLabel}
          </button>
        </div>
      )}
      {canChange && editing.kind !== 'none' && form(editing.kind === 'edit' ? editing.item : null, close)}
      <Problem text={problem} />
      {empty === null ? table : <p className="empty">{empty}</p>}
      {children}
    </section>
  );
}

/** A row's Edit and Remove, their names saying which row (`name`) to a screen reader. */
export function EditRemove({
  name,
  onEdit,
  onRemove,
}: {
  name: string;
  onEdit: () => void;
  onRemove: () => void;
}) {
  const { t } = useI18n();
  return (
    <>
      <button type="button" className="small" aria-label={t('postureEditNamed', { name })} onClick={onEdit}>
        {t('postureEdit')}
      </button>
      <button
        type="button"
        className="danger small"
        aria-label={t('postureRemoveNamed', { name })}
        onClick={onRemove}
      >
        {t('postureRemove')}
      </button>
    </>
  );
}

/** The header of the rows' Edit and Remove column. */
export function ActionsHeader() {
  const { t } = useI18n();
  return (
    <th scope="col" className="actions">
      {t('postureActions')}
    </th>
  );
}
