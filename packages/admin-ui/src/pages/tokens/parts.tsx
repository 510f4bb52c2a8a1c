// Small parts both sections use: the role choice, a list as the role lets it be seen, and the line
// that says what the last action did.
import type { ReactNode } from 'react';
import { SelectField } from '../../components/Field';
import { ListProblem, ShowMore } from '../../components/ListParts';
import type { PagedList } from '../../components/usePagedList';
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
    <SelectField
      id={id}
      label={label}
      value={value}
      error={error}
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
    </SelectField>
  );
}

/**
 * A list (useVisibleList) as the role lets it be seen: a note when it may not be (the gateway's 403),
 * else its count, why a page did not come, the table (`children`) while there are rows, the words for
 * none, and Show more.
 */
export function VisibleList({
  list,
  forbidden,
  count,
  none,
  children,
}: {
  list: PagedList<unknown> & { forbidden: boolean };
  forbidden: string;
  count: string;
  none: string;
  children: ReactNode;
}) {
  const { t } = useI18n();
  if (list.forbidden) return <p className="note">{forbidden}</p>;
  return (
    <>
      <div className="toolbar">
        <span role="status" className="count">
          {list.loading ? t('loading') : count}
        </span>
      </div>
      <ListProblem problem={list.problem} />
      {list.items.length > 0 && children}
      {!list.loading && list.total === 0 && <p className="empty">{none}</p>}
      <ShowMore more={list.more} label={t('tkMore')} />
    </>
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
