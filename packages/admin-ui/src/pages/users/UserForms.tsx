// Adding a local user and setting a user's password: the repeat is checked here, everything else by
// the gateway, whose refusal is shown at the field it names.
import { useEffect, useId, useRef, useState, type SyntheticEvent } from 'react';
import { api, unwrap } from '../../api/client';
import { TextField } from '../../components/Field';
import { useI18n } from '../../i18n';
import { formProblemOf, noProblem, passwordsDiffer, type FormProblem, type UserItem } from './model';

const repeatField = '/repeat';

/** The form's own problem for a second password that differs; null when they are the same. */
function repeatProblem(password: string, repeat: string, text: string): FormProblem | null {
  return passwordsDiffer(password, repeat) ? { fields: { [repeatField]: text }, general: null } : null;
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
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [problem, setProblem] = useState<FormProblem>(noProblem);
  const [busy, setBusy] = useState(false);

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    const differ = repeatProblem(password, repeat, t('usersPasswordsDiffer'));
    setProblem(differ ?? noProblem);
    if (differ !== null) return;
    setBusy(true);
    try {
      onAdded(unwrap(await api.POST('/api/v1/users', { body: { name, password } })));
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
      <TextField
        id="new-user-password"
        label={t('usersPassword')}
        type="password"
        autoComplete="new-password"
        value={password}
        error={problem.fields['/password']}
        onChange={(event) => {
          setPassword(event.target.value);
        }}
      />
      <TextField
        id="new-user-repeat"
        label={t('usersRepeat')}
        type="password"
        autoComplete="new-password"
        value={repeat}
        error={problem.fields[repeatField]}
        onChange={(event) => {
          setRepeat(event.target.value);
        }}
      />
      <GeneralProblem problem={problem} />
      <div className="buttons">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('usersCreating') : t('usersCreate')}
        </button>
        <button type="button" onClick={onClose}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}

/** A modal form (the browser's <dialog>, as Confirm): the new password twice for one user. */
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
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const textId = useId();
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [problem, setProblem] = useState<FormProblem>(noProblem);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const element = dialog.current;
    if (element === null) return;
    if (!element.open) element.showModal();
    return () => {
      element.close();
    };
  }, []);

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    const differ = repeatProblem(password, repeat, t('usersPasswordsDiffer'));
    setProblem(differ ?? noProblem);
    if (differ !== null) return;
    setBusy(true);
    try {
      unwrap(
        await api.PUT('/api/v1/users/{name}/password', {
          params: { path: { name: user } },
          body: { password },
        }),
      );
      onSet();
    } catch (error) {
      setProblem(formProblemOf(error, ['/password']));
      setBusy(false);
    }
  };

  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby={titleId}
      aria-describedby={textId}
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      <form onSubmit={(event) => void submit(event)} noValidate>
        <h2 id={titleId}>{t('usersSetPasswordTitle', { name: user })}</h2>
        <p id={textId}>{t('usersSetPasswordText')}</p>
        <TextField
          id="set-password-new"
          label={t('usersNewPassword')}
          type="password"
          autoComplete="new-password"
          autoFocus
          value={password}
          error={problem.fields['/password']}
          onChange={(event) => {
            setPassword(event.target.value);
          }}
        />
        <TextField
          id="set-password-repeat"
          label={t('usersRepeat')}
          type="password"
          autoComplete="new-password"
          value={repeat}
          error={problem.fields[repeatField]}
          onChange={(event) => {
            setRepeat(event.target.value);
          }}
        />
        <GeneralProblem problem={problem} />
        <div className="buttons">
          <button type="submit" className="primary" disabled={busy}>
            {t('usersSetPassword')}
          </button>
          <button type="button" onClick={onCancel}>
            {t('cancel')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
