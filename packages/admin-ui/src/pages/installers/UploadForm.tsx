// Uploading an OS's installer: the file, its version (read from the file name when it has one), the
// name it is served as and the update policy, sent with a progress bar and a Cancel button.
import { useEffect, useRef, useState, type SyntheticEvent } from 'react';
import { TextField } from '../../components/Field';
import { useI18n } from '../../i18n';
import {
  osNames,
  percentSent,
  policies,
  uploadFieldOf,
  versionFromFileName,
  type Installed,
  type Installer,
  type OsName,
  type Policy,
  type UploadField,
} from './model';
import { useOsName } from './osName';
import { startUpload, type RunningUpload } from './upload';

type Phase =
  | { kind: 'idle' }
  | { kind: 'sending'; sent: number; total: number }
  | { kind: 'stored'; installer: Installed }
  | { kind: 'cancelled' }
  | { kind: 'failed'; text: string; field: UploadField | null };

function Progress({ sent, total }: { sent: number; total: number }) {
  const { t, bytes } = useI18n();
  const percent = percentSent(sent, total);
  const words =
    sent === 0
      ? t('installerUploadPreparing')
      : sent >= total
        ? t('installerUploadChecking')
        : t('installerUploadSent', { percent, sent: bytes(sent), total: bytes(total) });
  return (
    <div className="upload-progress">
      <progress aria-label={t('installerUploadProgress')} max={total} value={sent}>
        {percent}%
      </progress>
      <span role="status">{words}</span>
    </div>
  );
}

function Outcome({ phase }: { phase: Phase }) {
  const { t, bytes } = useI18n();
  const osName = useOsName();
  if (phase.kind === 'failed') {
    return (
      <p role="alert" className="problem">
        {phase.field !== null
          ? t('installerUploadFailedField')
          : t('installerUploadFailed', { message: phase.text })}
      </p>
    );
  }
  const text =
    phase.kind === 'stored'
      ? t('installerUploadStored', {
          os: osName(phase.installer.os),
          version: phase.installer.version,
          size: bytes(phase.installer.size),
        })
      : phase.kind === 'cancelled'
        ? t('installerUploadCancelled')
        : '';
  return (
    <p role="status" className={phase.kind === 'stored' ? 'saved' : 'muted'}>
      {text}
    </p>
  );
}

export function UploadForm({
  installers,
  onStored,
}: {
  installers: readonly Installer[];
  onStored: () => void;
}) {
  const { t } = useI18n();
  const osName = useOsName();
  const [os, setOs] = useState<OsName>(osNames[0] ?? 'windows');
  const current = installers.find((installer) => installer.os === os);
  const [file, setFile] = useState<File | null>(null);
  const [version, setVersion] = useState('');
  const [fileName, setFileName] = useState('');
  const [policy, setPolicy] = useState<Policy>(current?.policy ?? 'exact');
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const running = useRef<RunningUpload | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  // Leaving the page ends the upload: nothing would be left to show its outcome.
  useEffect(
    () => () => {
      running.current?.cancel();
    },
    [],
  );

  const fieldError = (field: UploadField) =>
    phase.kind === 'failed' && phase.field === field ? phase.text : null;
  const edited = () => {
    if (phase.kind !== 'sending') setPhase({ kind: 'idle' });
  };

  const chooseOs = (next: OsName) => {
    setOs(next);
    // The policy the OS has now is kept unless it is changed here.
    setPolicy(installers.find((installer) => installer.os === next)?.policy ?? 'exact');
    edited();
  };

  const chooseFile = (chosen: File | null) => {
    setFile(chosen);
    if (chosen !== null) {
      setFileName(chosen.name);
      const found = versionFromFileName(chosen.name);
      if (found !== undefined) setVersion(found);
    }
    edited();
  };

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    if (file === null || running.current !== null) return;
    const upload = startUpload({
      os,
      query: { version: version.trim(), file_name: fileName.trim(), policy },
      file,
      onProgress: ({ sent, total }) => {
        setPhase({ kind: 'sending', sent, total });
      },
    });
    running.current = upload;
    setPhase({ kind: 'sending', sent: 0, total: file.size });
    void upload.result.then((result) => {
      running.current = null;
      switch (result.kind) {
        case 'stored':
          setPhase({ kind: 'stored', installer: result.installer });
          setFile(null);
          if (fileInput.current !== null) fileInput.current.value = '';
          onStored();
          break;
        case 'cancelled':
          setPhase({ kind: 'cancelled' });
          break;
        case 'refused':
          setPhase({
            kind: 'failed',
            text: result.failure.message,
            field: uploadFieldOf(result.failure.field),
          });
          break;
        case 'unreachable':
          setPhase({ kind: 'failed', text: result.message, field: null });
          break;
      }
    });
  };

  const sending = phase.kind === 'sending';
  return (
    <form className="card upload-form" onSubmit={submit} noValidate aria-labelledby="installer-upload-title">
      <h2 id="installer-upload-title">{t('installerUploadTitle')}</h2>
      <p className="hint">{t('installerUploadHint')}</p>
      <fieldset disabled={sending}>
        <div className="field">
          <label htmlFor="installer-os">{t('installerUploadOs')}</label>
          <select
            id="installer-os"
            value={os}
            onChange={(event) => {
              chooseOs(event.target.value as OsName);
            }}
          >
            {osNames.map((name) => (
              <option key={name} value={name}>
                {osName(name)}
              </option>
            ))}
          </select>
          <span className="hint">
            {current === undefined
              ? t('installerUploadFirst', { os: osName(os) })
              : t('installerUploadReplaces', {
                  os: osName(os),
                  version: current.version,
                  file: current.file_name,
                })}
          </span>
        </div>
        <div className="field">
          <label htmlFor="installer-file">{t('installerUploadFile')}</label>
          <input
            id="installer-file"
            ref={fileInput}
            type="file"
            aria-describedby="installer-file-hint"
            onChange={(event) => {
              chooseFile(event.target.files?.[0] ?? null);
            }}
          />
          <span className="hint" id="installer-file-hint">
            {t('installerUploadFileHint')}
          </span>
        </div>
        <TextField
          id="installer-version"
          label={t('installerUploadVersion')}
          hint={t('installerUploadVersionHint')}
          error={fieldError('/version')}
          value={version}
          placeholder="1.4.2"
          autoComplete="off"
          spellCheck={false}
          onChange={(event) => {
            setVersion(event.target.value);
            edited();
          }}
        />
        <TextField
          id="installer-file-name"
          label={t('installerUploadFileName')}
          hint={t('installerUploadFileNameHint')}
          error={fieldError('/file_name')}
          value={fileName}
          maxLength={128}
          autoComplete="off"
          spellCheck={false}
          onChange={(event) => {
            setFileName(event.target.value);
            edited();
          }}
        />
        <fieldset
          className="field policy"
          aria-invalid={fieldError('/policy') !== null ? true : undefined}
          aria-describedby={fieldError('/policy') !== null ? 'installer-policy-error' : undefined}
        >
          <legend>{t('installerUploadPolicy')}</legend>
          {policies.map((name) => (
            <label key={name} className="choice">
              <input
                type="radio"
                name="installer-policy"
                value={name}
                checked={policy === name}
                onChange={() => {
                  setPolicy(name);
                  edited();
                }}
              />
              {t(name === 'exact' ? 'installerPolicyExact' : 'installerPolicyMinimum')}
            </label>
          ))}
          {fieldError('/policy') !== null && (
            <span className="field-error" role="alert" id="installer-policy-error">
              {fieldError('/policy')}
            </span>
          )}
        </fieldset>
      </fieldset>
      {sending && <Progress sent={phase.sent} total={phase.total} />}
      <div className="buttons">
        <button type="submit" className="primary" disabled={sending || file === null}>
          {t('installerUploadStart')}
        </button>
        {sending && (
          <button
            type="button"
            onClick={() => {
              running.current?.cancel();
            }}
          >
            {t('installerUploadCancel')}
          </button>
        )}
      </div>
      <Outcome phase={phase} />
    </form>
  );
}
