// Who is signed in decides what shows: sign-in, the forced password change, or the console.
import { useCallback, useEffect, useState } from 'react';
import { ApiFailure, api, messageOf, onSessionEvents, setCsrfToken, unwrap } from './api/client';
import type { Me } from './api/types';
import { ConsoleShell, Frame, navigation } from './components/Shell';
import { useI18n } from './i18n';
import { ChangePassword } from './pages/change-password/ChangePassword';
import { Directory } from './pages/directory/Directory';
import { Events } from './pages/events/Events';
import { Exemptions } from './pages/exemptions/Exemptions';
import { Installers } from './pages/installers/Installers';
import { Monitor } from './pages/monitor/Monitor';
import { NotFound } from './pages/not-found/NotFound';
import { Posture } from './pages/posture/Posture';
import { Settings } from './pages/settings/Settings';
import { SignIn } from './pages/sign-in/SignIn';
import { Tokens } from './pages/tokens/Tokens';
import { Users } from './pages/users/Users';
import { VpnRules } from './pages/vpn-rules/VpnRules';
import type { PageProps } from './pages/props';
import { useRoute, type Route } from './router';

type State =
  | { kind: 'loading' }
  | { kind: 'unreachable'; message: string }
  | { kind: 'signed-out'; expired: boolean }
  | { kind: 'signed-in'; me: Me };

function Page({ route, ...props }: { route: Route } & PageProps) {
  switch (route) {
    case 'monitor':
      return <Monitor {...props} />;
    case 'settings':
      return <Settings {...props} />;
    case 'users':
      return <Users {...props} />;
    case 'vpn-rules':
      return <VpnRules {...props} />;
    case 'directory':
      return <Directory {...props} />;
    case 'posture':
      return <Posture {...props} />;
    case 'exemptions':
      return <Exemptions {...props} />;
    case 'installers':
      return <Installers {...props} />;
    case 'tokens':
      return <Tokens {...props} />;
    case 'events':
      return <Events {...props} />;
    case 'not-found':
      return <NotFound />;
  }
}

export function App() {
  const { t } = useI18n();
  const route = useRoute();
  const [state, setState] = useState<State>({ kind: 'loading' });

  const signedIn = useCallback((me: Me) => {
    setCsrfToken(me.csrf_token);
    setState({ kind: 'signed-in', me });
  }, []);

  const ask = useCallback(() => {
    api
      .GET('/api/v1/me')
      .then((result) => {
        if (result.response.status === 401) setState({ kind: 'signed-out', expired: false });
        else signedIn(unwrap(result));
      })
      .catch((error: unknown) => {
        setState(
          error instanceof ApiFailure && error.status < 500
            ? { kind: 'signed-out', expired: false }
            : { kind: 'unreachable', message: messageOf(error) },
        );
      });
  }, [signedIn]);

  useEffect(() => {
    onSessionEvents({
      expired: () => {
        setCsrfToken(null);
        // Only a session that was signed in can expire (the first GET /me answers 401 too).
        setState((before) => (before.kind === 'signed-in' ? { kind: 'signed-out', expired: true } : before));
      },
      passwordChangeRequired: () => {
        setState((before) =>
          before.kind === 'signed-in'
            ? { kind: 'signed-in', me: { ...before.me, must_change_password: true } }
            : before,
        );
      },
    });
    ask();
  }, [ask]);

  const signOut = useCallback(() => {
    // Signed out here whatever the gateway answers: the cookie is cleared by its reply.
    void api
      .POST('/api/v1/logout')
      .catch(() => undefined)
      .finally(() => {
        setCsrfToken(null);
        setState({ kind: 'signed-out', expired: false });
      });
  }, []);

  switch (state.kind) {
    case 'loading':
      return <Frame title={null} />;
    case 'unreachable':
      return (
        <Frame title={null}>
          <div className="card" role="alert">
            <p>{t('unreachable', { message: state.message })}</p>
            <button
              type="button"
              onClick={() => {
                setState({ kind: 'loading' });
                ask();
              }}
            >
              {t('retry')}
            </button>
          </div>
        </Frame>
      );
    case 'signed-out':
      return (
        <Frame title={t('signIn')}>
          <SignIn expired={state.expired} onSignedIn={signedIn} />
        </Frame>
      );
    case 'signed-in':
      break;
  }
  const { me } = state;
  if (me.must_change_password) {
    return (
      <Frame title={t('changePasswordTitle')}>
        <ChangePassword
          onChanged={() => {
            signedIn({ ...me, must_change_password: false });
          }}
          onSignOut={signOut}
        />
      </Frame>
    );
  }
  const entry = navigation.find((item) => item.page === route);
  return (
    <ConsoleShell
      me={me}
      route={route}
      title={entry === undefined ? t('notFoundTitle') : t(entry.label)}
      onSignOut={signOut}
    >
      <Page route={route} canChange={me.role === 'admin'} me={me} />
    </ConsoleShell>
  );
}
