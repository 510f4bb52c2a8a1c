// The Kerberos keytab: the keys of the one set (their principals and types, never the keys), a new
// file to upload with the directory, or its removal.
import { useI18n } from '../../i18n';
import { toBase64, type Draft } from './model';

export function KeytabField({
  keys,
  draft,
  error,
  onChange,
}: {
  /** The keytab set on the gateway, or null for none. */
  keys: readonly string[] | null;
  draft: Draft;
  error: string | null | undefined;
  onChange: (keytab: string | null | undefined, file: string | null) => void;
}) {
  const { t } = useI18n();
  const id = 'directory-keytab';
  return (
    <div className="field">
      <label htmlFor={id}>{t('directoryKeytab')}</label>
      {keys === null || draft.keytab === null ? (
        <p className="muted">
          {draft.keytab === null ? t('directoryKeytabRemoved') : t('directoryKeytabNone')}
        </p>
      ) : (
        <div>
          <span className="muted">{t('directoryKeytabKeys')}</span>
          <ul className="keys" aria-label={t('directoryKeytabKeys')}>
            {keys.map((key) => (
              <li key={key} className="mono">
                {key}
              </li>
            ))}
          </ul>
        </div>
      )}
      <input
        id={id}
        type="file"
        accept=".keytab,application/octet-stream"
        aria-invalid={error != null ? true : undefined}
        aria-describedby={error != null ? `${id}-error` : `${id}-hint`}
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (file === undefined) return;
          void file.arrayBuffer().then((buffer) => {
            onChange(toBase64(new Uint8Array(buffer)), file.name);
          });
        }}
      />
      <span className="hint" id={`${id}-hint`}>
        {typeof draft.keytab === 'string' && draft.keytabFile !== null
          ? t('directoryKeytabChosen', { name: draft.keytabFile })
          : t('directoryKeytabHint')}
      </span>
      {error != null && (
        <span className="field-error" role="alert" id={`${id}-error`}>
          {error}
        </span>
      )}
      {keys !== null && (
        <button
          type="button"
          className="small"
          onClick={() => {
            if (draft.keytab === null) onChange(undefined, null);
            else onChange(null, null);
          }}
        >
          {draft.keytab === null ? t('directoryKeytabUndo') : t('directoryKeytabRemove')}
        </button>
      )}
    </div>
  );
}
