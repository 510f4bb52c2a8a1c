// Client installers and the versions clients must run (DECISIONS 12, 48): GET /api/v1/installers as a
// table of every OS, an upload with a progress bar, and removal after a confirmation. A viewer sees
// the table only.
import { useState } from 'react';
import { api, messageOf, unwrap } from '../../api/client';
import { LoadState } from '../../components/LoadState';
import { useConfirm } from '../../components/useConfirm';
import { useLoaded } from '../../components/useLoaded';
import { useI18n } from '../../i18n';
import type { PageProps } from '../props';
import { InstallersTable } from './InstallersTable';
import type { Installer } from './model';
import { useOsName } from './osName';
import { UploadForm } from './UploadForm';
import './installers.css';

// One installer per OS: the first page holds them all.
async function fetchInstallers(): Promise<Installer[]> {
  return unwrap(await api.GET('/api/v1/installers', { params: { query: { limit: '100' } } })).items;
}

export function Installers({ canChange }: PageProps) {
  const { t } = useI18n();
  const osName = useOsName();
  const { loaded, reload, retry } = useLoaded(fetchInstallers);
  const [notice, setNotice] = useState<{ problem: boolean; text: string } | null>(null);

  const remove = (installer: Installer) => {
    api
      .DELETE('/api/v1/installers/{os}', { params: { path: { os: installer.os } } })
      .then((result) => {
        unwrap(result);
        setNotice({ problem: false, text: t('installerRemoved', { os: osName(installer.os) }) });
      })
      .catch((error: unknown) => {
        setNotice({ problem: true, text: t('error', { message: messageOf(error) }) });
      })
      .finally(() => void reload());
  };
  const removal = useConfirm<Installer>(
    (installer) => ({
      title: t('installerRemoveTitle', { os: osName(installer.os), version: installer.version }),
      text: t('installerRemoveText', { os: osName(installer.os), file: installer.file_name }),
      action: t('installerRemove'),
    }),
    remove,
  );

  return (
    <section aria-labelledby="page-title" className="installers-page">
      <h1 id="page-title">{t('installersTitle')}</h1>
      <p>{t('installersIntro')}</p>
      <LoadState loaded={loaded} onRetry={retry} />
      {notice !== null && (
        <p role={notice.problem ? 'alert' : 'status'} className={notice.problem ? 'problem' : 'saved'}>
          {notice.text}
        </p>
      )}
      {loaded.kind === 'ready' && (
        <>
          <InstallersTable installers={loaded.data} canChange={canChange} onRemove={removal.ask} />
          {canChange && (
            <UploadForm
              installers={loaded.data}
              onStored={() => {
                setNotice(null);
                void reload();
              }}
            />
          )}
        </>
      )}
      {removal.dialog}
    </section>
  );
}
