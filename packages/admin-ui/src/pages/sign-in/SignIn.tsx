import { useState, type SyntheticEvent } from 'react';
import { ApiFailure, api, unwrap } from '../../api/client';
import type { Me } from '../../api/types';
import { useI18n, type Translate } from '../../i18n';

function failureText(error: unknown, t: Translate): string {
  if (!(error instanceof ApiFailure)) return t('error', { message: String(error) });
  if (error.code === 'invalid_credentials') return t('wrongCredentials');
  if (error.code === 'throttled') return t('throttled', { seconds: error.retryAfter ?? 60 });
  if (error.code === 'directory_unavailable') return t('directoryUnavailable');
  return t('error', { message: error.message });
}

export function SignIn({ expired, onSignedIn }: { expired: boolean; onSignedIn: (me: Me) => void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(expired ? t('sessionExpired') : null);

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const reply = unwrap(await api.POST('/api/v1/login', { body: { name, password } }));
      onSignedIn({ ...reply });
    } catch (error) {
      setProblem(failureText(error, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">{t('signInTitle')}</h1>
      <label>
        {t('name')}
        <input
          autoComplete="username"
          required
          value={name}
          onChange={(e) => {
            setName(e.target.value);
          }}
        />
      </label>
      <label>
        {t('password')}
        <input
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => {
            setPassword(e.target.value);
          }}
        />
      </label>
      {problem !== null && (
        <p role="alert" className="problem">
          {problem}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? t('signingIn') : t('signIn')}
      </button>
      <p className="hint">{t('firstSignInHint')}</p>
    </form>
  );
}
