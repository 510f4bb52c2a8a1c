// The page around everything: the header (name, who is signed in, language, sign-out), the left
// navigation once signed in, and the main region.
import { useEffect, type ReactNode } from 'react';
import type { Me } from '../api/types';
import { languages, useI18n, type Language } from '../i18n';
import type { MessageKey } from '../i18n/en';
import type { PageName, Route } from '../router';
import { Link } from './Link';

export const navigation: readonly { page: PageName; label: MessageKey }[] = [
  { page: 'monitor', label: 'navMonitor' },
  { page: 'settings', label: 'navSettings' },
  { page: 'users', label: 'navUsers' },
  { page: 'directory', label: 'navDirectory' },
  { page: 'vpn-rules', label: 'navVpnRules' },
  { page: 'posture', label: 'navPosture' },
  { page: 'exemptions', label: 'navExemptions' },
  { page: 'installers', label: 'navInstallers' },
  { page: 'tokens', label: 'navTokens' },
  { page: 'events', label: 'navEvents' },
];

function LanguageSwitch() {
  const { language, setLanguage, t } = useI18n();
  return (
    <label className="language">
      {t('language')}
      <select
        value={language}
        onChange={(event) => {
          setLanguage(event.target.value as Language);
        }}
      >
        {languages.map((entry) => (
          <option key={entry.id} value={entry.id} lang={entry.id}>
            {entry.name}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The window title names the page, so history and tabs say where they lead. */
function useTitle(title: string | null): void {
  const { t } = useI18n();
  const app = t('appName');
  useEffect(() => {
    document.title = title === null ? app : `${title} · ${app}`;
  }, [title, app]);
}

/** Signed out: the name and the language, around sign-in or the forced password change. */
export function Frame({ title, children }: { title: string | null; children?: ReactNode }) {
  const { t } = useI18n();
  useTitle(title);
  return (
    <div className="frame">
      <header className="topbar">
        <span className="brand">{t('appName')}</span>
        <LanguageSwitch />
      </header>
      <main className="frame-main">{children}</main>
    </div>
  );
}

export function ConsoleShell({
  me,
  route,
  title,
  onSignOut,
  children,
}: {
  me: Me;
  route: Route;
  title: string;
  onSignOut: () => void;
  children: ReactNode;
}) {
  const { t } = useI18n();
  useTitle(title);
  return (
    <div className="console">
      <a className="skip" href="#content">
        {t('skipToContent')}
      </a>
      <header className="topbar">
        <span className="brand">{t('appName')}</span>
        <span className="who">
          <span className="muted">{t('signedInAs')}</span> <strong>{me.name}</strong>{' '}
          <span className="role">{me.role === 'admin' ? t('roleAdmin') : t('roleViewer')}</span>
        </span>
        <LanguageSwitch />
        <button type="button" onClick={onSignOut}>
          {t('signOut')}
        </button>
      </header>
      <nav className="sidebar" aria-label={t('sections')}>
        <ul>
          {navigation.map((entry) => (
            <li key={entry.page}>
              <Link page={entry.page} current={entry.page === route}>
                {t(entry.label)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main className="content" id="content" tabIndex={-1}>
        {me.role !== 'admin' && <p className="note">{t('viewerNote')}</p>}
        {children}
      </main>
    </div>
  );
}
