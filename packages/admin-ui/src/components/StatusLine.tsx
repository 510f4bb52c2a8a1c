// Saved or not, in a live region that is always there (its words change; nothing moves).
import { useI18n } from '../i18n';

export type SaveStatus =
  | { kind: 'idle' }
  | { kind: 'saving' }
  | { kind: 'saved' }
  | { kind: 'failed'; text: string; atField?: boolean };

export function StatusLine({
  status,
  saved,
  idle = '',
}: {
  status: SaveStatus;
  saved: string;
  idle?: string;
}) {
  const { t } = useI18n();
  if (status.kind === 'failed') {
    return (
      <span role="alert" className="status problem">
        {status.atField === true ? t('saveFailedField') : t('saveFailed', { message: status.text })}
      </span>
    );
  }
  return (
    <span role="status" className={status.kind === 'saved' ? 'status saved' : 'status muted'}>
      {status.kind === 'saved' ? saved : status.kind === 'saving' ? t('saving') : idle}
    </span>
  );
}
