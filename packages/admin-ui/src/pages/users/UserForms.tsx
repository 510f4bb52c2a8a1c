// Adding a local user and setting a user's password: the repeat is checked here, everything else by
// the gateway, whose refusal is shown at the field it names.
import { useState, type SyntheticEvent } from 'react';
import { api, unwrap } from '../../api/client';
import { Dialog } from '../../components/Dialog';
import { TextField } from '../../components/Field';
import { FormButtons } from '../../components/FormButtons';
import {
  NewPasswordFields,
  noNewPassword,
  repeatDiffers,
  type NewPassword,
} from '../../components/NewPasswordFields';
import { useI18n } from '../../i18n';
import { formProblemOf, noProblem, type FormProblem, type UserItem } from './model';

const repeatField = '/repeat';

/** The form's own problem for a second password that differs; null when they are the same. */
function repeatProblem(newPassword: NewPassword, text: string): FormProblem | null {
  return repeatDiffers(newPassword) ? { fields: { [repeatField]: text }, general: null } : null;
}

function GeneralProblem({ problem }: { problem: FormProblem }) {
  return (
    <p role="alert" className="problem" hidden={problem.general === null}>
      {problem.general}
    </p>
  );
}

export function AddUserForm({
  onAdded,
  onClose,
}: {
  onAdded: (user: UserItem) => void;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [newPassword, setNewPassword] = useState(noNewPassword);
  const [problem, setProblem] = useState<FormProblem>(noProblem);
  const [busy, setBusy] = useState(false);

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    const differ = repeatProblem(newPassword, t('usersPasswordsDiffer'));
    setProblem(differ ?? noProblem);
    if (differ !== null) return;
    setBusy(true);
    try {
      onAdded(unwrap(await api.POST('/api/v1/users', { body: { name, password: newPassword.password } })));
    } catch (error) {
      setProblem(formProblemOf(error, ['/name', '/password']));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="card users-form"
      aria-labelledby="new-user-title"
      onSubmit={(event) => void submit(event)}
      noValidate
    >
      <h3 id="new-user-title">{t('usersNewUser')}</h3>
      <TextField
        id="new-user-name"
        label={t('usersName')}
        hint={t('usersNameHint')}
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
      <NewPasswordFields
        ids={{ password: 'new-user-password', repeat: 'new-user-repeat' }}
        labels={{ password: t('usersPassword'), repeat: t('usersRepeat') }}
        value={newPassword}
        errors={{ password: problem.fields['/password'], repeat: problem.fields[repeatField] }}
        onChange={setNewPassword}
      />
      <GeneralProblem problem={problem} />
      <FormButtons label={t('usersCreate')} busyLabel={t('usersCreating')} busy={busy} onCancel={onClose} />
    </form>
  );
}

/** A modal form: the new password twice for one user. */
export function PasswordDialog({
  user,
  onSet,
  onCancel,
}: {
  user: string;
  onSet: () => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const [newPassword, setNewPassword] = useState(noNewPassword);
  const [problem, setProblem] = useState<FormProblem>(noProblem);
  const [busy, setBusy] = useState(false);

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    const differ = repeatProblem(newPassword, t('usersPasswordsDiffer'));
    setProblem(differ ?? noProblem);
    if (differ !== null) return;
    setBusy(true);
    try {
      unwrap(
        await api.PUT('/api/v1/users/{name}/password', {
          params: { path: { name: user } },
          body: { password: newPassword.password },
        }),
      );
      onSet();
    } catch (error) {
      setProblem(formProblemOf(error, ['/password']));
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={t('usersSetPasswordTitle', { name: user })}
      text={t('usersSetPasswordText')}
      onEscape={onCancel}
    >
      <form onSubmit={(event) => void submit(event)} noValidate>
        <NewPasswordFields
          ids={{ password: 'set-password-new', repeat: 'set-password-repeat' }}
          labels={{ password: t('usersNewPassword'), repeat: t('usersRepeat') }}
          autoFocus
          value={newPassword}
          errors={{ password: problem.fields['/password'], repeat: problem.fields[repeatField] }}
          onChange={setNewPassword}
        />
        <GeneralProblem problem={problem} />
        <FormButtons label={t('usersSetPassword')} busy={busy} onCancel={onCancel} />
      </form>
    </Dialog>
  );
}
