// The forced change of a password someone else gave (DECISIONS 21: the first administrator's, or one
// reset by another administrator): until it is done every other route answers 403
// password_change_required, so the console shows only this.
import { useState, type SyntheticEvent } from 'react';
import { ApiFailure, api, messageOf, unwrap } from '../../api/client';
import { TextField } from '../../components/Field';
import { NewPasswordFields, noNewPassword, repeatDiffers } from '../../components/NewPasswordFields';
import { useI18n, type Translate } from '../../i18n';

type Field = '/current_password' | '/password' | '/repeat';
type Problem = { field: Field | null; text: string };

function problemOf(error: unknown, t: Translate): Problem {
  if (!(error instanceof ApiFailure))
    return { field: null, text: t('unreachable', { message: messageOf(error) }) };
  if (error.code === 'wrong_password') return { field: '/current_password', text: t('wrongCurrentPassword') };
  if (error.code === 'throttled')
    return { field: null, text: t('throttledPassword', { seconds: error.retryAfter ?? 60 }) };
  const field = error.field === '/current_password' || error.field === '/password' ? error.field : null;
  return { field, text: error.message };
}

export function ChangePassword({ onChanged, onSignOut }: { onChanged: () => void; onSignOut: () => void }) {
  const { t } = useI18n();
  const [current, setCurrent] = useState('');
  const [newPassword, setNewPassword] = useState(noNewPassword);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    if (repeatDiffers(newPassword)) {
      setProblem({ field: '/repeat', text: t('passwordsDiffer') });
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      unwrap(
        await api.PUT('/api/v1/me/password', {
          body: { current_password: current, password: newPassword.password },
        }),
      );
      onChanged();
    } catch (error) {
      setProblem(problemOf(error, t));
    } finally {
      setBusy(false);
    }
  };

  const errorAt = (field: Field) => (problem?.field === field ? problem.text : null);

  return (
    <form className="card narrow" onSubmit={(event) => void submit(event)} aria-labelledby="change-title">
      <h1 id="change-title">{t('changePasswordTitle')}</h1>
      <p>{t('changePasswordWhy')}</p>
      <TextField
        id="current-password"
        label={t('currentPassword')}
        type="password"
        autoComplete="current-password"
        required
        autoFocus
        value={current}
        error={errorAt('/current_password')}
        onChange={(event) => {
          setCurrent(event.target.value);
        }}
      />
      <NewPasswordFields
        ids={{ password: 'new-password', repeat: 'repeat-password' }}
        labels={{ password: t('newPassword'), repeat: t('repeatPassword') }}
        hint={t('newPasswordHint')}
        required
        value={newPassword}
        errors={{ password: errorAt('/password'), repeat: errorAt('/repeat') }}
        onChange={setNewPassword}
      />
      <p role="alert" className="problem" hidden={problem === null || problem.field !== null}>
        {problem?.field === null ? problem.text : null}
      </p>
      <div className="buttons">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('changingPassword') : t('changePassword')}
        </button>
        <button type="button" onClick={onSignOut}>
          {t('signOut')}
        </button>
      </div>
    </form>
  );
}
