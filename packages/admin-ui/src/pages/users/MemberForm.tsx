// Adding a local user to a group: a name typed with the matching users offered (a datalist the
// gateway fills as the administrator types), refused at the field when the gateway knows no such user.
import { useEffect, useState, type SyntheticEvent } from 'react';
import { api, unwrap } from '../../api/client';
import { TextField } from '../../components/Field';
import { FormButtons } from '../../components/FormButtons';
import { useSettled } from '../../components/usePagedList';
import { useI18n } from '../../i18n';
import { candidatesFor, formProblemOf, noProblem, type FormProblem, type GroupItem } from './model';

/** Names offered at once: a few, the closest the search finds. */
const offered = 20;
const userField = '/user';

/** The users whose names hold `search`, as the gateway finds them; [] until it answers. */
function useUserNames(search: string): string[] {
  const settled = useSettled(search);
  const [names, setNames] = useState<string[]>([]);
  useEffect(() => {
    let current = true;
    const query = { limit: String(offered), ...(settled.trim() === '' ? {} : { search: settled.trim() }) };
    api
      .GET('/api/v1/users', { params: { query } })
      .then((reply) => {
        if (current) setNames(unwrap(reply).items.map((user) => user.name));
      })
      // The offer is a help only: without it the name is typed in full.
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [settled]);
  return names;
}

export function MemberForm({
  group,
  onAdded,
  onClose,
}: {
  group: GroupItem;
  onAdded: (user: string) => void;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const [user, setUser] = useState('');
  const [problem, setProblem] = useState<FormProblem>(noProblem);
  const [busy, setBusy] = useState(false);
  const names = useUserNames(user);
  const candidates = candidatesFor(group, names);

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    const name = user.trim();
    if (name === '') {
      setProblem({ fields: { [userField]: t('usersMemberMissing') }, general: null });
      return;
    }
    setBusy(true);
    setProblem(noProblem);
    try {
      unwrap(
        await api.PUT('/api/v1/groups/{name}/members/{user}', {
          params: { path: { name: group.name, user: name } },
        }),
      );
      onAdded(name);
    } catch (error) {
      // The route's only input is the user named in its path: whatever it refuses is about that name.
      setProblem(formProblemOf(error, [], userField));
      setBusy(false);
    }
  };

  return (
    <form
      className="users-member-form"
      aria-label={t('usersAddMemberTo', { name: group.name })}
      onSubmit={(event) => void submit(event)}
      noValidate
    >
      <TextField
        id="member-user"
        label={t('usersMemberUser', { group: group.name })}
        list="member-user-names"
        value={user}
        autoComplete="off"
        autoCapitalize="none"
        spellCheck={false}
        autoFocus
        error={problem.fields[userField]}
        onChange={(event) => {
          setUser(event.target.value);
          setProblem(noProblem);
        }}
      />
      <datalist id="member-user-names">
        {candidates.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
      <FormButtons label={t('usersAddToGroup')} busy={busy} onCancel={onClose} />
    </form>
  );
}
