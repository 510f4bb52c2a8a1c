// The local users: searched, sorted and paged on the gateway, each with its state and groups, and (for
// an administrator) adding a user, setting a password, disabling, enabling and removing one.
import { useState } from 'react';
import { api, messageOf, unwrap } from '../../api/client';
import { Confirm } from '../../components/Confirm';
import { usePagedList, useSettled } from '../../components/usePagedList';
import { useI18n } from '../../i18n';
import type { MessageKey } from '../../i18n/en';
import { OutcomeLine, type Outcome } from './Outcome';
import { AddUserForm, PasswordDialog } from './UserForms';
import {
  initialUserSort,
  toggledSort,
  userQuery,
  type UserItem,
  type UserSort,
  type UserSortField,
} from './model';

type Asking = { kind: 'disable' | 'remove'; user: UserItem } | { kind: 'password'; user: string } | null;

const sortColumns: readonly { field: UserSortField; label: MessageKey }[] = [
  { field: 'name', label: 'usersColName' },
  { field: 'created_at', label: 'usersColCreated' },
];

export function UsersSection({
  canChange,
  memberships,
  onMembershipsChanged,
}: {
  canChange: boolean;
  memberships: ReadonlyMap<string, readonly string[]>;
  /** A user removed leaves their groups: the groups list is asked again. */
  onMembershipsChanged: () => void;
}) {
  const { t, dateTime } = useI18n();
  const [typed, setTyped] = useState('');
  const search = useSettled(typed);
  const [sort, setSort] = useState<UserSort>(initialUserSort);
  const [adding, setAdding] = useState(false);
  const [asking, setAsking] = useState<Asking>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);

  const list = usePagedList(
    async (cursor) =>
      unwrap(await api.GET('/api/v1/users', { params: { query: userQuery(search, sort, cursor) } })),
    JSON.stringify([search, sort]),
  );

  const act = async (work: () => Promise<string>) => {
    setAsking(null);
    try {
      setOutcome({ ok: true, text: await work() });
    } catch (error) {
      setOutcome({ ok: false, text: t('usersActionFailed', { message: messageOf(error) }) });
    }
    list.reload();
  };

  const setDisabled = (user: UserItem, disabled: boolean) =>
    act(async () => {
      unwrap(
        await api.PATCH('/api/v1/users/{name}', {
          params: { path: { name: user.name } },
          body: { disabled },
        }),
      );
      return t(disabled ? 'usersDisabledDone' : 'usersEnabledDone', { name: user.name });
    });

  const remove = (user: UserItem) =>
    act(async () => {
      try {
        unwrap(await api.DELETE('/api/v1/users/{name}', { params: { path: { name: user.name } } }));
      } finally {
        onMembershipsChanged();
      }
      return t('usersRemovedDone', { name: user.name });
    });

  const groupsOf = (name: string) => memberships.get(name) ?? [];
  const filtered = search.trim() !== '';
  const span = canChange ? 5 : 4;
  return (
    <section className="page-section" aria-labelledby="users-local-title">
      <h2 id="users-local-title">{t('usersLocalUsers')}</h2>
      <div className="toolbar">
        <label htmlFor="users-search">{t('search')}</label>
        <input
          id="users-search"
          type="search"
          value={typed}
          placeholder={t('usersSearchPlaceholder')}
          autoComplete="off"
          spellCheck={false}
          onChange={(event) => {
            setTyped(event.target.value);
          }}
        />
        <span role="status" className="count" data-testid="users-count">
          {list.loading ? t('loading') : t('usersCount', { count: list.total })}
        </span>
        {canChange && !adding && (
          <button
            type="button"
            className="primary"
            onClick={() => {
              setAdding(true);
              setOutcome(null);
            }}
          >
            {t('usersAdd')}
          </button>
        )}
      </div>
      {adding && (
        <AddUserForm
          onAdded={(user) => {
            setAdding(false);
            setOutcome({ ok: true, text: t('usersCreated', { name: user.name }) });
            list.reload();
          }}
          onClose={() => {
            setAdding(false);
          }}
        />
      )}
      <OutcomeLine outcome={outcome} />
      {list.problem !== null && (
        <p role="alert" className="problem">
          {t('error', { message: list.problem })}
        </p>
      )}
      <table className="list" aria-label={t('usersTable')}>
        <thead>
          <tr>
            {sortColumns.slice(0, 1).map((column) => (
              <SortHeader key={column.field} column={column} sort={sort} onSort={setSort} />
            ))}
            <th scope="col">{t('usersColState')}</th>
            <th scope="col">{t('usersColGroups')}</th>
            {sortColumns.slice(1).map((column) => (
              <SortHeader key={column.field} column={column} sort={sort} onSort={setSort} />
            ))}
            {canChange && (
              <th scope="col" className="users-actions">
                {t('usersColActions')}
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {list.items.map((user) => (
            <tr key={user.name}>
              <th scope="row" className="users-name">
                {user.name}
              </th>
              <td>
                <span className={user.disabled ? 'tag users-off' : 'tag'}>
                  {user.disabled ? t('usersDisabled') : t('usersEnabled')}
                </span>
              </td>
              <td>{groupsOf(user.name).join(', ') || <span className="muted">—</span>}</td>
              <td className="nowrap">{dateTime(user.created_at)}</td>
              {canChange && (
                <td className="actions">
                  <button
                    type="button"
                    className="small"
                    aria-label={t('usersSetPasswordOf', { name: user.name })}
                    onClick={() => {
                      setAsking({ kind: 'password', user: user.name });
                    }}
                  >
                    {t('usersSetPassword')}
                  </button>
                  {user.disabled ? (
                    <button
                      type="button"
                      className="small"
                      aria-label={t('usersEnableNamed', { name: user.name })}
                      onClick={() => void setDisabled(user, false)}
                    >
                      {t('usersEnable')}
                    </button>
                  ) : (
                    <button
                      type="button"
                      className="small"
                      aria-label={t('usersDisableNamed', { name: user.name })}
                      onClick={() => {
                        setAsking({ kind: 'disable', user });
                      }}
                    >
                      {t('usersDisable')}
                    </button>
                  )}
                  <button
                    type="button"
                    className="small danger"
                    aria-label={t('usersRemoveNamed', { name: user.name })}
                    onClick={() => {
                      setAsking({ kind: 'remove', user });
                    }}
                  >
                    {t('usersRemove')}
                  </button>
                </td>
              )}
            </tr>
          ))}
          {!list.loading && list.items.length === 0 && (
            <tr>
              <td colSpan={span} className="empty">
                {filtered ? t('usersNoMatch') : t('usersNone')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {list.more !== null && (
        <button type="button" className="list-more" onClick={list.more}>
          {t('usersMore', { shown: list.items.length, total: list.total })}
        </button>
      )}
      {asking?.kind === 'password' && (
        <PasswordDialog
          user={asking.user}
          onSet={() => {
            setAsking(null);
            setOutcome({ ok: true, text: t('usersPasswordSet', { name: asking.user }) });
          }}
          onCancel={() => {
            setAsking(null);
          }}
        />
      )}
      {asking?.kind === 'disable' && (
        <Confirm
          title={t('usersDisableTitle', { name: asking.user.name })}
          text={t('usersDisableConfirm', { name: asking.user.name })}
          action={t('usersDisable')}
          onConfirm={() => void setDisabled(asking.user, true)}
          onCancel={() => {
            setAsking(null);
          }}
        />
      )}
      {asking?.kind === 'remove' && (
        <Confirm
          title={t('usersRemoveTitle', { name: asking.user.name })}
          text={
            groupsOf(asking.user.name).length === 0
              ? t('usersRemoveConfirm', { name: asking.user.name })
              : t('usersRemoveConfirmGroups', {
                  name: asking.user.name,
                  groups: groupsOf(asking.user.name).join(', '),
                })
          }
          action={t('usersRemove')}
          onConfirm={() => void remove(asking.user)}
          onCancel={() => {
            setAsking(null);
          }}
        />
      )}
    </section>
  );
}

function SortHeader({
  column,
  sort,
  onSort,
}: {
  column: { field: UserSortField; label: MessageKey };
  sort: UserSort;
  onSort: (next: UserSort) => void;
}) {
  const { t } = useI18n();
  const sorted = sort.field === column.field;
  return (
    <th scope="col" aria-sort={sorted ? (sort.descending ? 'descending' : 'ascending') : undefined}>
      <button
        type="button"
        className="sort"
        onClick={() => {
          onSort(toggledSort(sort, column.field));
        }}
      >
        {t(column.label)}
        <span aria-hidden="true" className="arrow">
          {sorted ? (sort.descending ? '▼' : '▲') : ''}
        </span>
      </button>
    </th>
  );
}
