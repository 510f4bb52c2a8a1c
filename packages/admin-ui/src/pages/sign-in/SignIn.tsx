// Sign-in: a local administrator, or a directory one (CORP\alice) when a directory is set.
import { useEffect, useState, type SyntheticEvent } from 'react';
import { ApiFailure, api, messageOf, unwrap } from '../../api/client';
import type { Me } from '../../api/types';
import { TextField } from '../../components/Field';
import { useI18n, type Translate } from '../../i18n';

type Problem =
  | { kind: 'expired' }
  | { kind: 'throttled'; seconds: number; until: number }
  | { kind: 'text'; text: string };

function problemOf(error: unknown, t: Translate): Problem {
  if (!(error instanceof ApiFailure))
    return { kind: 'text', text: t('unreachable', { message: messageOf(error) }) };
  if (error.code === 'invalid_credentials') return { kind: 'text', text: t('wrongCredentials') };
  if (error.code === 'throttled') {
    const seconds = error.retryAfter ?? 60;
    return { kind: 'throttled', seconds, until: Date.now() + seconds * 1000 };
  }
  if (error.code === 'directory_unavailable') return { kind: 'text', text: t('directoryUnavailable') };
  return { kind: 'text', text: t('error', { message: error.message }) };
}

/** Seconds left until `until` (the button waits for them; the words keep the figure the gateway gave). */
function useSecondsLeft(until: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until === null) return;
    const timer = setInterval(() => {
      const at = Date.now();
      setNow(at);
      if (at >= until) clearInterval(timer);
    }, 1000);
    return () => {
      clearInterval(timer);
    };
  }, [until]);
  return until === null ? 0 : Math.max(0, Math.ceil((until - now) / 1000));
}

export function SignIn({ expired, onSignedIn }: { expired: boolean; onSignedIn: (me: Me) => void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(expired ? { kind: 'expired' } : null);
  const secondsLeft = useSecondsLeft(problem?.kind === 'throttled' ? problem.until : null);
  const waiting = problem?.kind === 'throttled' && secondsLeft > 0;

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const reply = unwrap(await api.POST('/api/v1/login', { body: { name, password } }));
      onSignedIn(reply);
    } catch (error) {
      setProblem(problemOf(error, t));
    } finally {
      setBusy(false);
    }
  };

  let text: string | null = null;
  if (problem?.kind === 'expired') text = t('sessionExpired');
  else if (problem?.kind === 'throttled') text = t('throttled', { seconds: problem.seconds });
  else if (problem?.kind === 'text') text = problem.text;

  return (
    <form className="card narrow" onSubmit={(event) => void submit(event)} aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">{t('signInTitle')}</h1>
      <TextField
        id="sign-in-name"
        label={t('name')}
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        required
        autoFocus
        value={name}
        onChange={(event) => {
          setName(event.target.value);
        }}
      />
      <TextField
        id="sign-in-password"
        label={t('password')}
        type="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(event) => {
          setPassword(event.target.value);
        }}
      />
      <p role="alert" className="problem" hidden={text === null}>
        {text}
      </p>
      <button type="submit" className="primary" disabled={busy || waiting}>
        {busy ? t('signingIn') : t('signIn')}
      </button>
      <p className="hint">{t('firstSignInHint')}</p>
    </form>
  );
}
