// Who is signed in decides what shows: sign-in, the forced password change, or the console.
import { useCallback, useEffect, useState } from 'react';
import { api, setCsrfToken, unwrap, whenSessionExpires } from './api/client';
import type { Me } from './api/types';
import { useI18n, type Language } from './i18n';
import type { MessageKey } from './i18n/en';
import { ChangePassword } from './pages/change-password/ChangePassword';
import { Monitor } from './pages/monitor/Monitor';
import { NotYet } from './pages/not-yet/NotYet';
import { Settings } from './pages/settings/Settings';
import { SignIn } from './pages/sign-in/SignIn';
import { navigate, usePage, type PageName } from './router';

type State = { kind: 'loading' } | { kind: 'signed-out'; expired: boolean } | { kind: 'signed-in'; me: Me };

const navigation: { page: PageName; label: MessageKey }[] = [
  { page: 'monitor', label: 'navMonitor' },
  { page: 'settings', label: 'navSettings' },
  { page: 'users', label: 'navUsers' },
  { page: 'vpn-rules', label: 'navVpnRules' },
  { page: 'installers', label: 'navInstallers' },
  { page: 'tokens', label: 'navTokens' },
  { page: 'events', label: 'navEvents' },
];

export function App() {
  const [state, setState] = useState<State>({ kind: 'loading' });

  const signedIn = useCallback((me: Me) => {
    setCsrfToken(me.csrf_token);
    setState({ kind: 'signed-in', me });
  }, []);

  useEffect(() => {
    whenSessionExpires(() => {
      setCsrfToken(null);
      // Only a session that was signed in can expire (the first GET /me answers 401 too).
      setState((before) => (before.kind === 'signed-in' ? { kind: 'signed-out', expired: true } : before));
    });
    api
      .GET('/api/v1/me')
      .then((result) => {
        if (result.response.status === 401) setState({ kind: 'signed-out', expired: false });
        else signedIn(unwrap(result));
      })
      .catch(() => {
        setState({ kind: 'signed-out', expired: false });
      });
  }, [signedIn]);

  if (state.kind === 'loading') return <Frame />;
  if (state.kind === 'signed-out')
    return (
      <Frame>
        <SignIn expired={state.expired} onSignedIn={signedIn} />
      </Frame>
    );
  const { me } = state;
  const signOut = async () => {
    await api.POST('/api/v1/logout');
    setCsrfToken(null);
    setState({ kind: 'signed-out', expired: false });
  };
  if (me.must_change_password) {
    return (
      <Frame>
        <ChangePassword
          onChanged={() => {
            signedIn({ ...me, must_change_password: false });
          }}
          onSignOut={() => void signOut()}
        />
      </Frame>
    );
  }
  return <Console me={me} onSignOut={() => void signOut()} />;
}

function LanguageSwitch() {
  const { language, setLanguage, t } = useI18n();
  return (
    <label className="language">
      {t('language')}{' '}
      <select
        value={language}
        onChange={(event) => {
          setLanguage(event.target.value as Language);
        }}
      >
        <option value="en">English</option>
        <option value="ru">Русский</option>
      </select>
    </label>
  );
}

function Frame({ children }: { children?: React.ReactNode }) {
  const { t } = useI18n();
  return (
    <div className="frame">
      <header className="frame-header">
        <span className="brand">{t('appName')}</span>
        <LanguageSwitch />
      </header>
      <main className="frame-main">{children}</main>
    </div>
  );
}

function Console({ me, onSignOut }: { me: Me; onSignOut: () => void }) {
  const { t } = useI18n();
  const page = usePage();
  const canChange = me.role === 'admin';
  return (
    <div className="console">
      <header className="console-header">
        <span className="brand">{t('appName')}</span>
        <span className="who">
          {me.name} <span className="role">({me.role})</span>
        </span>
        <LanguageSwitch />
        <button type="button" onClick={onSignOut}>
          {t('signOut')}
        </button>
      </header>
      <nav className="console-nav" aria-label="Sections">
        <ul>
          {navigation.map((entry) => (
            <li key={entry.page}>
              <a
                href={`/admin/${entry.page}`}
                aria-current={entry.page === page ? 'page' : undefined}
                onClick={(event) => {
                  event.preventDefault();
                  navigate(entry.page);
                }}
              >
                {t(entry.label)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main className="console-main">
        {!canChange && <p className="note">{t('viewerNote')}</p>}
        {page === 'monitor' && <Monitor canChange={canChange} />}
        {page === 'settings' && <Settings canChange={canChange} />}
        {page !== 'monitor' && page !== 'settings' && (
          <NotYet title={t(navigation.find((entry) => entry.page === page)?.label ?? 'navMonitor')} />
        )}
      </main>
    </div>
  );
}
