// The posture settings: how often clients collect (period), how often the gateway re-checks every
// session's last report, and after how many silent periods it asks again. Saved together; the API's
// range errors are shown at their field.
import { useEffect, useState, type SyntheticEvent } from 'react';
import { api, messageOf, unwrap } from '../../api/client';
import { TextField } from '../../components/Field';
import type { MessageKey } from '../../i18n/en';
import { useI18n } from '../../i18n';
import { pointerTokens, type PostureSettings } from './model';
import { fieldOf, Problem } from './parts';

type Key = keyof PostureSettings;
const keys: readonly Key[] = ['period', 'recheck_minutes', 'silent_periods'];
const labels: Readonly<Record<Key, { label: MessageKey; hint: MessageKey }>> = {
  period: { label: 'posturePeriod', hint: 'posturePeriodHint' },
  recheck_minutes: { label: 'postureRecheck', hint: 'postureRecheckHint' },
  silent_periods: { label: 'postureSilent', hint: 'postureSilentHint' },
};

type Draft = Record<Key, string>;
const draftOf = (settings: PostureSettings): Draft => ({
  period: String(settings.period),
  recheck_minutes: String(settings.recheck_minutes),
  silent_periods: String(settings.silent_periods),
});

type Status =
  | { kind: 'loading' }
  | { kind: 'idle' }
  | { kind: 'saving' }
  | { kind: 'saved' }
  | { kind: 'failed'; text: string; field: Key | null };

export function SettingsSection({ canChange }: { canChange: boolean }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [status, setStatus] = useState<Status>({ kind: 'loading' });

  useEffect(() => {
    api
      .GET('/api/v1/posture/settings')
      .then((result) => {
        setDraft(draftOf(unwrap(result)));
        setStatus({ kind: 'idle' });
      })
      .catch((error: unknown) => {
        setStatus({ kind: 'failed', text: messageOf(error), field: null });
      });
  }, []);

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    if (draft === null) return;
    // What is typed goes as a number (no number: null); the API says the range.
    const number = (text: string): number => (text.trim() === '' ? Number.NaN : Number(text));
    const body = {
      period: number(draft.period),
      recheck_minutes: number(draft.recheck_minutes),
      silent_periods: number(draft.silent_periods),
    };
    setStatus({ kind: 'saving' });
    api
      .PUT('/api/v1/posture/settings', { body })
      .then((result) => {
        setDraft(draftOf(unwrap(result)));
        setStatus({ kind: 'saved' });
      })
      .catch((error: unknown) => {
        const token = pointerTokens(fieldOf(error) ?? '')[0];
        setStatus({
          kind: 'failed',
          text: messageOf(error),
          field: keys.find((key) => key === token) ?? null,
        });
      });
  };

  const fieldError = (key: Key): string | null =>
    status.kind === 'failed' && status.field === key ? status.text : null;

  return (
    <section className="page-section" aria-labelledby="posture-settings-title">
      <h2 id="posture-settings-title">{t('postureSettingsTitle')}</h2>
      {status.kind === 'loading' && <p className="muted">{t('loading')}</p>}
      {draft === null && status.kind === 'failed' && <Problem text={t('error', { message: status.text })} />}
      {draft !== null && (
        <form className="card" aria-label={t('postureSettingsTitle')} onSubmit={submit} noValidate>
          <fieldset disabled={!canChange}>
            {keys.map((key) => (
              <TextField
                key={key}
                id={`posture-${key}`}
                label={t(labels[key].label)}
                hint={t(labels[key].hint)}
                type="number"
                inputMode="numeric"
                value={draft[key]}
                error={fieldError(key)}
                onChange={(event) => {
                  setDraft({ ...draft, [key]: event.target.value });
                  setStatus({ kind: 'idle' });
                }}
              />
            ))}
            {canChange && (
              <div className="buttons">
                <button type="submit" className="primary" disabled={status.kind === 'saving'}>
                  {status.kind === 'saving' ? t('saving') : t('save')}
                </button>
                {status.kind === 'failed' ? (
                  <span role="alert" className="status problem">
                    {status.field === null ? t('saveFailed', { message: status.text }) : t('saveFailedField')}
                  </span>
                ) : (
                  <span role="status" className={status.kind === 'saved' ? 'status saved' : 'status muted'}>
                    {status.kind === 'saved' ? t('saved') : ''}
                  </span>
                )}
              </div>
            )}
          </fieldset>
        </form>
      )}
    </section>
  );
}
