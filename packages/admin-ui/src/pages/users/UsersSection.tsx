// The local users: searched, sorted and paged on the gateway, each with its state and groups, and (for
// an administrator) adding a user, setting a password, disabling, enabling and removing one.
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { ListProblem } from '../../components/ListParts';
import { useConfirm } from '../../components/useConfirm';
import { usePagedList, useSettled } from '../../components/usePagedList';
import { useI18n } from '../../i18n';
import type { MessageKey } from '../../i18n/en';
import { ListToolbar } from './ListToolbar';
import { MoreButton } from './MoreButton';
import { OutcomeLine, useOutcome } from './Outcome';
import { AddUserForm, PasswordDialog } from './UserForms';
import {
  initialUserSort,
  toggledSort,
  userQuery,
  type UserItem,
  type UserSort,
  type UserSortField,
} from './model';

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
  /** The user whose password the dialog sets. */
  const [settingPassword, setSettingPassword] = useState<string | null>(null);

  const list = usePagedList(
    async (cursor) =>
      unwrap(await api.GET('/api/v1/users', { params: { query: userQuery(search, sort, cursor) } })),
    JSON.stringify([search, sort]),
  );

  const { outcome, setOutcome, act } = useOutcome(list.reload);

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
  const disabling = useConfirm<UserItem>(
    (user) => ({
      title: t('usersDisableTitle', { name: user.name }),
      text: t('usersDisableConfirm', { name: user.name }),
      action: t('usersDisable'),
    }),
    (user) => void setDisabled(user, true),
  );
  const removal = useConfirm<UserItem>(
    (user) => ({
      title: t('usersRemoveTitle', { name: user.name }),
      text:
        groupsOf(user.name).length === 0
          ? t('usersRemoveConfirm', { name: user.name })
          : t('usersRemoveConfirmGroups', { name: user.name, groups: groupsOf(user.name).join(', ') }),
      action: t('usersRemove'),
    }),
    (user) => void remove(user),
  );
  const filtered = search.trim() !== '';
  const span = canChange ? 5 : 4;
  return (
    <section className="page-section" aria-labelledby="users-local-title">
      <h2 id="users-local-title">{t('usersLocalUsers')}</h2>
      <ListToolbar
        testId="users-count"
        count={list.loading ? null : t('usersCount', { count: list.total })}
        addLabel={canChange && !adding ? t('usersAdd') : null}
        onAdd={() => {
          setAdding(true);
          setOutcome(null);
        }}
      >
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
      </ListToolbar>
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
      <ListProblem problem={list.problem} />
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
                      setSettingPassword(user.name);
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
                        disabling.ask(user);
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
                      removal.ask(user);
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
      <MoreButton list={list} />
      {settingPassword !== null && (
        <PasswordDialog
          user={settingPassword}
          onSet={() => {
            setSettingPassword(null);
            setOutcome({ ok: true, text: t('usersPasswordSet', { name: settingPassword }) });
          }}
          onCancel={() => {
            setSettingPassword(null);
          }}
        />
      )}
      {disabling.dialog}
      {removal.dialog}
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
