// The directory (DECISIONS 14): where directory accounts log in, single sign-on (the Kerberos keytab,
// NTLM) and the groups of directory administrators; saved as a whole, with the API's errors at their
// field. The bind password and the keytab are write-only: shown as "set", sent only when given.
import { useState, type SyntheticEvent } from 'react';
import { ApiFailure, api, messageOf, unwrap } from '../../api/client';
import { CertificateField } from '../../components/CertificateField';
import { Confirm } from '../../components/Confirm';
import { CheckField, TextField } from '../../components/Field';
import { StatusLine, type SaveStatus } from '../../components/StatusLine';
import { useLoaded } from '../../components/useLoaded';
import { useI18n } from '../../i18n';
import type { MessageKey } from '../../i18n/en';
import type { PageProps } from '../props';
import { DirectoryUsers } from './DirectoryUsers';
import { KeytabField } from './KeytabField';
import { bodyOf, draftOf, fieldPointers, type DirectoryItem, type Draft } from './model';

type TextKey = 'url' | 'domain' | 'realm' | 'base_dn' | 'bind_dn' | 'admin_group' | 'viewer_group';

const textFields: readonly { key: TextKey; label: MessageKey; hint: MessageKey; placeholder: string }[] = [
  { key: 'url', label: 'directoryUrl', hint: 'directoryUrlHint', placeholder: 'ldaps://dc1.corp.example' },
  { key: 'domain', label: 'directoryDomain', hint: 'directoryDomainHint', placeholder: 'CORP' },
  { key: 'realm', label: 'directoryRealm', hint: 'directoryRealmHint', placeholder: 'CORP.EXAMPLE' },
  {
    key: 'base_dn',
    label: 'directoryBaseDn',
    hint: 'directoryBaseDnHint',
    placeholder: 'DC=corp,DC=example',
  },
  {
    key: 'bind_dn',
    label: 'directoryBindDn',
    hint: 'directoryBindDnHint',
    placeholder: 'CN=kordon,CN=Users,DC=corp,DC=example',
  },
];

const groupFields: readonly { key: TextKey; label: MessageKey; hint: MessageKey }[] = [
  { key: 'admin_group', label: 'directoryAdminGroup', hint: 'directoryAdminGroupHint' },
  { key: 'viewer_group', label: 'directoryViewerGroup', hint: 'directoryViewerGroupHint' },
];

async function fetchDirectory(): Promise<DirectoryItem | null> {
  return unwrap(await api.GET('/api/v1/directory'));
}

export function Directory({ canChange }: PageProps) {
  const { t } = useI18n();
  const { loaded, show } = useLoaded(fetchDirectory);

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('directoryTitle')}</h1>
      <p>{t('directoryIntro')}</p>
      {loaded.kind === 'loading' && <p className="muted">{t('loading')}</p>}
      {loaded.kind === 'failed' && (
        <p role="alert" className="problem">
          {t('error', { message: loaded.text })}
        </p>
      )}
      {loaded.kind === 'ready' && (
        <>
          <DirectoryForm item={loaded.data} canChange={canChange} onStored={show} />
          {loaded.data !== null && <DirectoryUsers />}
        </>
      )}
    </section>
  );
}

function DirectoryForm({
  item,
  canChange,
  onStored,
}: {
  item: DirectoryItem | null;
  canChange: boolean;
  onStored: (item: DirectoryItem | null) => void;
}) {
  const { t, dateTime } = useI18n();
  const [draft, setDraft] = useState<Draft>(() => draftOf(item));
  const [status, setStatus] = useState<SaveStatus>({ kind: 'idle' });
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [removing, setRemoving] = useState(false);
  const [savedText, setSavedText] = useState<MessageKey>('directorySaved');

  // After a save or a removal the form starts again from what the gateway now holds.
  const stored = (next: DirectoryItem | null, text: MessageKey) => {
    setDraft(draftOf(next));
    setSavedText(text);
    setStatus({ kind: 'saved' });
    onStored(next);
  };

  const update = (fields: Partial<Draft>) => {
    setDraft((before) => ({ ...before, ...fields }));
    setStatus({ kind: 'idle' });
    setFieldErrors((before) =>
      Object.fromEntries(Object.entries(before).filter(([field]) => !(field.slice(1) in fields))),
    );
  };

  const save = (event: SyntheticEvent) => {
    event.preventDefault();
    setStatus({ kind: 'saving' });
    setFieldErrors({});
    api
      .PUT('/api/v1/directory', { body: bodyOf(draft) })
      .then((result) => {
        stored(unwrap(result), 'directorySaved');
      })
      .catch((error: unknown) => {
        const text = messageOf(error);
        const field = error instanceof ApiFailure ? error.field : null;
        if (field !== null && fieldPointers.has(field)) {
          setFieldErrors({ [field]: text });
          setStatus({ kind: 'failed', text, atField: true });
        } else setStatus({ kind: 'failed', text });
      });
  };

  const remove = () => {
    setRemoving(false);
    setStatus({ kind: 'saving' });
    api
      .DELETE('/api/v1/directory')
      .then((result) => {
        unwrap(result);
        stored(null, 'directoryRemoved');
      })
      .catch((error: unknown) => {
        setStatus({ kind: 'failed', text: messageOf(error) });
      });
  };

  const text = (key: TextKey, label: MessageKey, hint: MessageKey, placeholder?: string) => (
    <TextField
      key={key}
      id={`directory-${key}`}
      label={t(label)}
      hint={t(hint)}
      value={draft[key]}
      placeholder={placeholder}
      spellCheck={false}
      autoCapitalize="none"
      autoComplete="off"
      error={fieldErrors[`/${key}`]}
      onChange={(event) => {
        update({ [key]: event.target.value });
      }}
    />
  );

  return (
    <form className="card" onSubmit={save} noValidate aria-label={t('directoryTitle')}>
      {item === null && <p className="note">{t('directoryNone')}</p>}
      {item !== null && <p className="muted">{t('directoryUpdated', { time: dateTime(item.updated_at) })}</p>}
      <fieldset disabled={!canChange}>
        <h2>{t('directoryConnection')}</h2>
        {textFields.map((field) => text(field.key, field.label, field.hint, field.placeholder))}
        <TextField
          id="directory-bind_password"
          label={t('directoryBindPassword')}
          hint={
            item?.bind_password_set === true ? t('directoryBindPasswordKeep') : t('directoryBindPasswordNew')
          }
          type="password"
          autoComplete="new-password"
          value={draft.bind_password}
          error={fieldErrors['/bind_password']}
          onChange={(event) => {
            update({ bind_password: event.target.value });
          }}
        />
        <CertificateField
          id="directory-ca_cert"
          label={t('directoryCa')}
          hint={t('directoryCaHint')}
          value={draft.ca_cert}
          error={fieldErrors['/ca_cert']}
          onChange={(pem) => {
            update({ ca_cert: pem });
          }}
        />
        <h2>{t('directoryRoles')}</h2>
        {groupFields.map((field) => text(field.key, field.label, field.hint))}
        <h2>{t('directorySso')}</h2>
        {item !== null && (
          <p className={item.kerberos_problem === null ? 'note' : 'problem'}>
            {item.kerberos_problem === null
              ? t('directoryKerberosOffered')
              : t('directoryKerberosProblem', { problem: item.kerberos_problem })}
          </p>
        )}
        <KeytabField
          keys={item?.keytab_keys ?? null}
          draft={draft}
          error={fieldErrors['/keytab']}
          onChange={(keytab, keytabFile) => {
            update({ keytab, keytabFile });
          }}
        />
        <CheckField
          id="directory-ntlm"
          label={t('directoryNtlm')}
          hint={t('directoryNtlmHint')}
          checked={draft.ntlm}
          error={fieldErrors['/ntlm']}
          onChange={(event) => {
            update({ ntlm: event.target.checked });
          }}
        />
        <div className="buttons">
          <button type="submit" className="primary" disabled={status.kind === 'saving'}>
            {t('directorySave')}
          </button>
          {item !== null && (
            <button
              type="button"
              className="danger"
              onClick={() => {
                setRemoving(true);
              }}
            >
              {t('directoryRemove')}
            </button>
          )}
          <StatusLine status={status} saved={t(savedText)} />
        </div>
      </fieldset>
      {removing && (
        <Confirm
          title={t('directoryRemoveTitle')}
          text={t('directoryRemoveText')}
          action={t('directoryRemove')}
          onConfirm={remove}
          onCancel={() => {
            setRemoving(false);
          }}
        />
      )}
    </form>
  );
}
