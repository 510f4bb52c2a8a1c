// API tokens and administrators: two lists of who may use the management API, the scripts' tokens
// and the people who sign in to this console.
import type { PageProps } from '../props';
import { useI18n } from '../../i18n';
import { AdminSection } from './AdminSection';
import { TokenSection } from './TokenSection';
import './tokens.css';

export function Tokens({ canChange, me }: PageProps) {
  const { t } = useI18n();
  return (
    <section className="tokens-page" aria-labelledby="page-title">
      <h1 id="page-title">{t('navTokens')}</h1>
      <p className="muted">{t('tokensWhat')}</p>
      <TokenSection canChange={canChange} />
      <AdminSection canChange={canChange} me={me} />
    </section>
  );
}
