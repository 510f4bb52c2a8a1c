// The local groups with their members, and (for an administrator) adding and removing a group and its
// members. VPN-access rules name groups, so removing one says what that does to the rules.
import { Fragment, useState, type SyntheticEvent } from 'react';
import { api, unwrap } from '../../api/client';
import { TextField } from '../../components/Field';
import { FormButtons } from '../../components/FormButtons';
import { ListProblem } from '../../components/ListParts';
import { useConfirm } from '../../components/useConfirm';
import type { PagedList } from '../../components/usePagedList';
import { useI18n } from '../../i18n';
import { ListToolbar } from './ListToolbar';
import { MemberForm } from './MemberForm';
import { MoreButton } from './MoreButton';
import { OutcomeLine, useOutcome } from './Outcome';
import { formProblemOf, noProblem, type FormProblem, type GroupItem } from './model';

export function GroupsSection({ canChange, list }: { canChange: boolean; list: PagedList<GroupItem> }) {
  const { t, dateTime } = useI18n();
  const [adding, setAdding] = useState(false);
  const [addingTo, setAddingTo] = useState<string | null>(null);

  const { outcome, setOutcome, act } = useOutcome(list.reload);

  const removeGroup = (group: GroupItem) =>
    act(async () => {
      unwrap(await api.DELETE('/api/v1/groups/{name}', { params: { path: { name: group.name } } }));
      return t('usersGroupRemoved', { name: group.name });
    });

  const removeMember = (group: GroupItem, user: string) =>
    act(async () => {
      unwrap(
        await api.DELETE('/api/v1/groups/{name}/members/{user}', {
          params: { path: { name: group.name, user } },
        }),
      );
      return t('usersMemberRemoved', { user, group: group.name });
    });

  const removal = useConfirm<GroupItem>(
    (group) => ({
      title: t('usersRemoveGroupTitle', { name: group.name }),
      text: t('usersRemoveGroupConfirm', { name: group.name, count: group.members.length }),
      action: t('usersRemoveGroup'),
    }),
    (group) => void removeGroup(group),
  );

  const span = canChange ? 4 : 3;
  return (
    <section className="page-section" aria-labelledby="users-groups-title">
      <h2 id="users-groups-title">{t('usersGroups')}</h2>
      <ListToolbar
        testId="groups-count"
        count={list.loading ? null : t('usersGroupsCount', { count: list.total })}
        addLabel={canChange && !adding ? t('usersAddGroup') : null}
        onAdd={() => {
          setAdding(true);
          setOutcome(null);
        }}
      />
      {adding && (
        <AddGroupForm
          onAdded={(name) => {
            setAdding(false);
            setOutcome({ ok: true, text: t('usersGroupCreated', { name }) });
            list.reload();
          }}
          onClose={() => {
            setAdding(false);
          }}
        />
      )}
      <OutcomeLine outcome={outcome} />
      <ListProblem problem={list.problem} />
      <table className="list" aria-label={t('usersGroupsTable')}>
        <thead>
          <tr>
            <th scope="col">{t('usersColGroup')}</th>
            <th scope="col">{t('usersColMembers')}</th>
            <th scope="col">{t('usersColCreated')}</th>
            {canChange && (
              <th scope="col" className="users-actions">
                {t('usersColActions')}
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {list.items.map((group) => (
            <Fragment key={group.name}>
              <tr>
                <th scope="row" className="users-name">
                  {group.name}
                </th>
                <td>
                  {group.members.length === 0 ? (
                    <span className="muted">{t('usersNoMembers')}</span>
                  ) : (
                    <ul className="users-members" aria-label={t('usersMembersOf', { name: group.name })}>
                      {group.members.map((member) => (
                        <li key={member} className="tag">
                          {member}
                          {canChange && (
                            <button
                              type="button"
                              className="users-unmember"
                              aria-label={t('usersRemoveMember', { user: member, group: group.name })}
                              title={t('usersRemoveMember', { user: member, group: group.name })}
                              onClick={() => void removeMember(group, member)}
                            >
                              ×
                            </button>
                          )}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
                <td className="nowrap">{dateTime(group.created_at)}</td>
                {canChange && (
                  <td className="actions">
                    <button
                      type="button"
                      className="small"
                      aria-label={t('usersAddMemberTo', { name: group.name })}
                      aria-expanded={addingTo === group.name}
                      onClick={() => {
                        setAddingTo(addingTo === group.name ? null : group.name);
                      }}
                    >
                      {t('usersAddMember')}
                    </button>
                    <button
                      type="button"
                      className="small danger"
                      aria-label={t('usersRemoveGroupNamed', { name: group.name })}
                      onClick={() => {
                        removal.ask(group);
                      }}
                    >
                      {t('usersRemove')}
                    </button>
                  </td>
                )}
              </tr>
              {canChange && addingTo === group.name && (
                <tr className="users-member-row">
                  <td colSpan={span}>
                    <MemberForm
                      group={group}
                      onAdded={(user) => {
                        setAddingTo(null);
                        setOutcome({ ok: true, text: t('usersMemberAdded', { user, group: group.name }) });
                        list.reload();
                      }}
                      onClose={() => {
                        setAddingTo(null);
                      }}
                    />
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
          {!list.loading && list.items.length === 0 && (
            <tr>
              <td colSpan={span} className="empty">
                {t('usersNoGroupsYet')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <MoreButton list={list} />
      {removal.dialog}
    </section>
  );
}

function AddGroupForm({ onAdded, onClose }: { onAdded: (name: string) => void; onClose: () => void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<FormProblem>(noProblem);
  const [busy, setBusy] = useState(false);

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(noProblem);
    try {
      onAdded(unwrap(await api.POST('/api/v1/groups', { body: { name } })).name);
    } catch (error) {
      setProblem(formProblemOf(error, ['/name']));
      setBusy(false);
    }
  };

  return (
    <form
      className="card users-form"
      aria-labelledby="new-group-title"
      onSubmit={(event) => void submit(event)}
      noValidate
    >
      <h3 id="new-group-title">{t('usersNewGroup')}</h3>
      <TextField
        id="new-group-name"
        label={t('usersGroupName')}
        hint={t('usersGroupNameHint')}
        value={name}
        autoComplete="off"
        autoCapitalize="none"
        spellCheck={false}
        autoFocus
        error={problem.fields['/name']}
        onChange={(event) => {
          setName(event.target.value);
        }}
      />
      <p role="alert" className="problem" hidden={problem.general === null}>
        {problem.general}
      </p>
      <FormButtons label={t('usersCreateGroup')} busy={busy} onCancel={onClose} />
    </form>
  );
}
