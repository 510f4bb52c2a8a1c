// The one moment a new API token's secret is shown (DECISIONS 45: only its hash is kept): the token,
// a Copy button, how scripts send it, and a button that closes it for good.
import { useRef, useState } from 'react';
import { Dialog } from '../../components/Dialog';
import { useI18n } from '../../i18n';
import { bearerHeader, curlExample, type NewToken } from './model';

export function NewTokenDialog({ created, onClose }: { created: NewToken; onClose: () => void }) {
  const { t } = useI18n();
  const input = useRef<HTMLInputElement>(null);
  const [copy, setCopy] = useState<'none' | 'copied' | 'selected'>('none');

  const select = () => {
    input.current?.focus();
    input.current?.select();
  };

  const copyToken = async () => {
    try {
      await navigator.clipboard.writeText(created.token);
      setCopy('copied');
    } catch {
      // No clipboard (a page not in a secure context, or permission refused): the text is selected
      // so that the keyboard copies it.
      select();
      setCopy('selected');
    }
  };

  return (
    <Dialog
      title={t('tkTokenCreatedTitle', { name: created.name })}
      className="token-dialog"
      onClosed={onClose}
    >
      <p className="note">{t('tkTokenOnce')}</p>
      <div className="field">
        <label htmlFor="new-token-value">{t('tkTokenLabel')}</label>
        <div className="token-value">
          <input
            id="new-token-value"
            ref={input}
            className="mono"
            readOnly
            value={created.token}
            spellCheck={false}
            autoComplete="off"
            onFocus={select}
          />
          <button type="button" className="primary" onClick={() => void copyToken()}>
            {t('tkCopyToken')}
          </button>
        </div>
        <span role="status" className={copy === 'copied' ? 'hint saved' : 'hint'}>
          {copy === 'copied' ? t('tkTokenCopied') : copy === 'selected' ? t('tkTokenSelected') : ''}
        </span>
      </div>
      <p>{t('tkTokenUsage')}</p>
      <pre className="mono token-usage">{bearerHeader(created.token)}</pre>
      <p>{t('tkTokenExample')}</p>
      <pre className="mono token-usage">{curlExample(location.origin, created.token)}</pre>
      <div className="buttons">
        <button type="button" onClick={onClose}>
          {t('tkTokenDone')}
        </button>
      </div>
    </Dialog>
  );
}
