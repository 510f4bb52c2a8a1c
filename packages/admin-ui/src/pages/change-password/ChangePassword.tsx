import { useState, type SyntheticEvent } from 'react';
import { ApiFailure, api, unwrap } from '../../api/client';
import { useI18n } from '../../i18n';

type Field = '/current_password' | '/password' | '/repeat';

/** The forced change of a password someone else gave (DECISIONS 21: the first administrator's). */
export function ChangePassword({ onChanged, onSignOut }: { onChanged: () => void; onSignOut: () => void }) {
  const { t } = useI18n();
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [problem, setProblem] = useState<{ field: Field | null; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    if (password !== repeat) {
      setProblem({ field: '/repeat', text: t('passwordsDiffer') });
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      unwrap(await api.PUT('/api/v1/me/password', { body: { current_password: current, password } }));
      onChanged();
    } catch (error) {
      if (error instanceof ApiFailure) {
        const field = error.field === '/current_password' || error.field === '/password' ? error.field : null;
        setProblem({ field, text: error.message });
      } else setProblem({ field: null, text: String(error) });
    } finally {
      setBusy(false);
    }
  };

  const errorAt = (field: Field) =>
    problem?.field === field ? (
      <span role="alert" className="field-error">
        {problem.text}
      </span>
    ) : null;

  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-labelledby="change-title">
      <h1 id="change-title">{t('changePasswordTitle')}</h1>
      <p>{t('changePasswordWhy')}</p>
      <label>
        {t('currentPassword')}
        <input
          type="password"
          autoComplete="current-password"
          required
          value={current}
          onChange={(e) => {
            setCurrent(e.target.value);
          }}
        />
      </label>
      {errorAt('/current_password')}
      <label>
        {t('newPassword')}
        <input
          type="password"
          autoComplete="new-password"
          required
          value={password}
          onChange={(e) => {
            setPassword(e.target.value);
          }}
        />
      </label>
      {errorAt('/password')}
      <label>
        {t('repeatPassword')}
        <input
          type="password"
          autoComplete="new-password"
          required
          value={repeat}
          onChange={(e) => {
            setRepeat(e.target.value);
          }}
        />
      </label>
      {errorAt('/repeat')}
      {problem !== null && problem.field === null && (
        <p role="alert" className="problem">
          {problem.text}
        </p>
      )}
      <div className="buttons">
        <button type="submit" className="primary" disabled={busy}>
          {t('changePassword')}
        </button>
        <button type="button" onClick={onSignOut}>
          {t('signOut')}
        </button>
      </div>
    </form>
  );
}
