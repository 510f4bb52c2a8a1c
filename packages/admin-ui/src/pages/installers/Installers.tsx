// Client installers and the versions clients must run (DECISIONS 12, 48): GET /api/v1/installers as a
// table of every OS, an upload with a progress bar, and removal after a confirmation. A viewer sees
// the table only.
import { useCallback, useEffect, useState } from 'react';
import { api, messageOf, unwrap } from '../../api/client';
import { Confirm } from '../../components/Confirm';
import { useI18n } from '../../i18n';
import type { PageProps } from '../props';
import { InstallersTable } from './InstallersTable';
import type { Installer } from './model';
import { useOsName } from './osName';
import { UploadForm } from './UploadForm';
import './installers.css';

type Loaded = { kind: 'loading' } | { kind: 'failed'; text: string } | { kind: 'ready'; items: Installer[] };

// One installer per OS: the first page holds them all.
async function fetchInstallers(): Promise<Installer[]> {
  return unwrap(await api.GET('/api/v1/installers', { params: { query: { limit: '100' } } })).items;
}

export function Installers({ canChange }: PageProps) {
  const { t } = useI18n();
  const osName = useOsName();
  const [loaded, setLoaded] = useState<Loaded>({ kind: 'loading' });
  const [removing, setRemoving] = useState<Installer | null>(null);
  const [notice, setNotice] = useState<{ problem: boolean; text: string } | null>(null);

  const load = useCallback(() => {
    fetchInstallers()
      .then((items) => {
        setLoaded({ kind: 'ready', items });
      })
      .catch((error: unknown) => {
        setLoaded({ kind: 'failed', text: messageOf(error) });
      });
  }, []);
  useEffect(load, [load]);

  const remove = (installer: Installer) => {
    setRemoving(null);
    api
      .DELETE('/api/v1/installers/{os}', { params: { path: { os: installer.os } } })
      .then((result) => {
        unwrap(result);
        setNotice({ problem: false, text: t('installerRemoved', { os: osName(installer.os) }) });
      })
      .catch((error: unknown) => {
        setNotice({ problem: true, text: t('error', { message: messageOf(error) }) });
      })
      .finally(load);
  };

  return (
    <section aria-labelledby="page-title" className="installers-page">
      <h1 id="page-title">{t('installersTitle')}</h1>
      <p>{t('installersIntro')}</p>
      {loaded.kind === 'loading' && <p className="muted">{t('loading')}</p>}
      {loaded.kind === 'failed' && (
        <div role="alert" className="problem">
          <p>{t('error', { message: loaded.text })}</p>
          <button
            type="button"
            onClick={() => {
              setLoaded({ kind: 'loading' });
              load();
            }}
          >
            {t('retry')}
          </button>
        </div>
      )}
      {notice !== null && (
        <p role={notice.problem ? 'alert' : 'status'} className={notice.problem ? 'problem' : 'saved'}>
          {notice.text}
        </p>
      )}
      {loaded.kind === 'ready' && (
        <>
          <InstallersTable installers={loaded.items} canChange={canChange} onRemove={setRemoving} />
          {canChange && (
            <UploadForm
              installers={loaded.items}
              onStored={() => {
                setNotice(null);
                load();
              }}
            />
          )}
        </>
      )}
      {removing !== null && (
        <Confirm
          title={t('installerRemoveTitle', { os: osName(removing.os), version: removing.version })}
          text={t('installerRemoveText', { os: osName(removing.os), file: removing.file_name })}
          action={t('installerRemove')}
          onConfirm={() => {
            remove(removing);
          }}
          onCancel={() => {
            setRemoving(null);
          }}
        />
      )}
    </section>
  );
}
