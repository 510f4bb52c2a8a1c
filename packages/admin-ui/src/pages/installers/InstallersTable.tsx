// One row per operating system the API knows, with its installer or the words that it has none.
import { useState } from 'react';
import { useI18n } from '../../i18n';
import { osNames, shortHash, type Installer, type OsName } from './model';
import { useOsName } from './osName';

function CopyHash({ installer }: { installer: Installer }) {
  const { t } = useI18n();
  const osName = useOsName();
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no');
  return (
    <button
      type="button"
      className="small"
      aria-label={t('installerCopyShaLabel', { os: osName(installer.os) })}
      onClick={() => {
        navigator.clipboard.writeText(installer.sha256).then(
          () => {
            setCopied('yes');
          },
          () => {
            setCopied('failed');
          },
        );
      }}
    >
      {copied === 'yes'
        ? t('installerCopied')
        : copied === 'failed'
          ? t('installerCopyFailed')
          : t('installerCopySha')}
    </button>
  );
}

function InstallerCells({ installer }: { installer: Installer }) {
  const { t, dateTime, bytes } = useI18n();
  return (
    <>
      <td className="mono">{installer.version}</td>
      <td>
        {t(installer.policy === 'exact' ? 'installerRequiresExact' : 'installerRequiresMinimum', {
          version: installer.version,
        })}{' '}
        <span className="tag">{installer.policy}</span>
      </td>
      <td className="mono">{installer.file_name}</td>
      <td className="nowrap" title={t('installerSizeBytes', { count: installer.size })}>
        {bytes(installer.size)}
      </td>
      <td className="nowrap">
        <code className="mono" title={installer.sha256} data-sha256={installer.sha256}>
          {shortHash(installer.sha256)}
        </code>{' '}
        <CopyHash installer={installer} />
      </td>
      <td className="nowrap">{dateTime(installer.added_at)}</td>
      <td className="mono">{installer.download_url ?? '—'}</td>
    </>
  );
}

export function InstallersTable({
  installers,
  canChange,
  onRemove,
}: {
  installers: readonly Installer[];
  canChange: boolean;
  onRemove: (installer: Installer) => void;
}) {
  const { t } = useI18n();
  const osName = useOsName();
  const byOs = new Map<OsName, Installer>(installers.map((installer) => [installer.os, installer]));
  return (
    <div className="table-wrap">
      <table className="list installers" aria-label={t('installerTable')}>
        <thead>
          <tr>
            <th scope="col">{t('installerOs')}</th>
            <th scope="col">{t('installerVersion')}</th>
            <th scope="col">{t('installerRequires')}</th>
            <th scope="col">{t('installerFile')}</th>
            <th scope="col">{t('installerSize')}</th>
            <th scope="col">{t('installerSha')}</th>
            <th scope="col">{t('installerAdded')}</th>
            <th scope="col">{t('installerDownload')}</th>
            {canChange && <th scope="col">{t('installerActions')}</th>}
          </tr>
        </thead>
        <tbody>
          {osNames.map((os) => {
            const installer = byOs.get(os);
            return (
              <tr key={os} data-os={os}>
                <th scope="row">{osName(os)}</th>
                {installer === undefined ? (
                  <td colSpan={7} className="muted">
                    {t('installerNone')}
                  </td>
                ) : (
                  <InstallerCells installer={installer} />
                )}
                {canChange && (
                  <td className="actions">
                    {installer !== undefined && (
                      <button
                        type="button"
                        className="danger small"
                        aria-label={t('installerRemoveLabel', { os: osName(os) })}
                        onClick={() => {
                          onRemove(installer);
                        }}
                      >
                        {t('installerRemove')}
                      </button>
                    )}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="hint">{t('installerDownloadHint')}</p>
    </div>
  );
}
