import { useI18n } from '../i18n';
import type { Loaded } from './useLoaded';

/** What a page says while its data is not there: "Loading…", or why it failed with "Try again". */
export function LoadState({ loaded, onRetry }: { loaded: Loaded<unknown>; onRetry: () => void }) {
  const { t } = useI18n();
  if (loaded.kind === 'loading') return <p className="muted">{t('loading')}</p>;
  if (loaded.kind === 'failed') {
    return (
      <div role="alert" className="problem">
        <p>{t('error', { message: loaded.text })}</p>
        <button type="button" onClick={onRetry}>
          {t('retry')}
        </button>
      </div>
    );
  }
  return null;
}
