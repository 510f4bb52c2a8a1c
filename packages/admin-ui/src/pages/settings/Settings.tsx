// The client settings (the vendor's /agent_backend/wireguard routes): the on/off state, saved at once,
// and the settings object, saved as a whole with its errors shown at the field.
import { useEffect, useMemo, useState, type SyntheticEvent } from 'react';
import { ApiFailure, api, unwrap } from '../../api/client';
import type { ClientSettings } from '../../api/types';
import { Confirm } from '../../components/Confirm';
import { useI18n } from '../../i18n';
import { readCertificates, type CertificateSummary } from '../../pem/certificates';

type Status = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved' } | { kind: 'failed'; text: string };

function certificatesOf(pem: string): CertificateSummary[] | 'unreadable' {
  try {
    const found = readCertificates(pem);
    return found.length === 0 ? 'unreadable' : found;
  } catch {
    return 'unreadable';
  }
}

export function Settings({ canChange }: { canChange: boolean }) {
  const { t } = useI18n();
  const [enabled, setEnabled] = useState<boolean | null>(null);
  const [stored, setStored] = useState<ClientSettings | null>(null);
  const [draft, setDraft] = useState<ClientSettings | null>(null);
  const [stateStatus, setStateStatus] = useState<Status>({ kind: 'idle' });
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [confirmCount, setConfirmCount] = useState<number | null>(null);

  useEffect(() => {
    void (async () => {
      const [state, setting] = await Promise.all([
        api.GET('/agent_backend/wireguard/state'),
        api.GET('/agent_backend/wireguard/setting'),
      ]);
      setEnabled(unwrap(state).enabled);
      const settings = unwrap(setting);
      setStored(settings);
      setDraft(settings);
    })();
  }, []);

  const pem = draft?.trusted_ca_cert ?? '';
  const certificates = useMemo(() => (pem.trim() === '' ? [] : certificatesOf(pem)), [pem]);

  if (enabled === null || draft === null || stored === null) return <p>{t('loading')}</p>;

  const toggle = async (next: boolean) => {
    // Shown at once, put back if the gateway refuses.
    const before = enabled;
    setEnabled(next);
    setStateStatus({ kind: 'saving' });
    try {
      setEnabled(
        unwrap(await api.PUT('/agent_backend/wireguard/state', { body: { enabled: next } })).enabled,
      );
      setStateStatus({ kind: 'saved' });
    } catch (error) {
      setEnabled(before);
      setStateStatus({ kind: 'failed', text: error instanceof Error ? error.message : String(error) });
    }
  };

  const save = async () => {
    setConfirmCount(null);
    setStatus({ kind: 'saving' });
    setFieldErrors({});
    try {
      const saved = unwrap(await api.PUT('/agent_backend/wireguard/setting', { body: draft }));
      setStored(saved);
      setDraft(saved);
      setStatus({ kind: 'saved' });
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      if (error instanceof ApiFailure && error.field !== null) setFieldErrors({ [error.field]: text });
      setStatus({ kind: 'failed', text });
    }
  };

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    if (draft.local_tunnel !== stored.local_tunnel) {
      // PROTOCOL.md: a changed local_tunnel ends every local session; say how many first.
      const local = unwrap(
        await api.GET('/api/v1/sessions', { params: { query: { local: 'true', limit: '1' } } }),
      );
      setConfirmCount(local.total);
      return;
    }
    await save();
  };

  const update = (fields: Partial<ClientSettings>) => {
    setDraft({ ...draft, ...fields });
    setStatus({ kind: 'idle' });
  };

  const errorAt = (field: string) =>
    fieldErrors[field] === undefined ? null : (
      <span role="alert" className="field-error" id={`error-${field.slice(1)}`}>
        {fieldErrors[field]}
      </span>
    );

  return (
    <section>
      <h1>{t('settingsTitle')}</h1>
      <fieldset className="card" disabled={!canChange}>
        <label className="switch">
          <input type="checkbox" checked={enabled} onChange={(event) => void toggle(event.target.checked)} />
          {t('authorization')}
        </label>
        <p className="hint">{enabled ? t('authorizationOn') : t('authorizationOff')}</p>
        <StatusLine status={stateStatus} />
      </fieldset>

      <form className="card" onSubmit={(event) => void submit(event)}>
        <fieldset disabled={!canChange}>
          <label>
            {t('authDomain')}
            <input
              value={draft.auth_domain ?? ''}
              placeholder="gw.corp.example"
              onChange={(event) => {
                update({ auth_domain: event.target.value === '' ? null : event.target.value });
              }}
            />
            <span className="hint">{t('authDomainHint')}</span>
          </label>
          {errorAt('/auth_domain')}
          <label className="switch">
            <input
              type="checkbox"
              checked={draft.local_tunnel}
              onChange={(event) => {
                update({ local_tunnel: event.target.checked });
              }}
            />
            {t('localTunnel')}
          </label>
          {errorAt('/local_tunnel')}
          <label className="switch">
            <input
              type="checkbox"
              checked={draft.device_vpn}
              onChange={(event) => {
                update({ device_vpn: event.target.checked });
              }}
            />
            {t('deviceVpn')}
          </label>
          {errorAt('/device_vpn')}
          <label>
            {t('trustedCa')}
            <textarea
              rows={6}
              aria-invalid={fieldErrors['/trusted_ca_cert'] !== undefined}
              aria-describedby={
                fieldErrors['/trusted_ca_cert'] === undefined ? undefined : 'error-trusted_ca_cert'
              }
              spellCheck={false}
              value={pem}
              placeholder="-----BEGIN CERTIFICATE-----"
              onChange={(event) => {
                update({ trusted_ca_cert: event.target.value.trim() === '' ? null : event.target.value });
              }}
            />
            <span className="hint">{t('trustedCaHint')}</span>
          </label>
          {errorAt('/trusted_ca_cert')}
          <label className="file">
            {t('uploadPem')}
            <input
              type="file"
              accept=".pem,.crt,.cer,application/x-pem-file"
              onChange={(event) => {
                const file = event.target.files?.[0];
                if (file !== undefined)
                  void file.text().then((text) => {
                    update({ trusted_ca_cert: text });
                  });
              }}
            />
          </label>
          {certificates === 'unreadable' ? (
            <p className="problem">{t('notPem')}</p>
          ) : (
            certificates.length > 0 && (
              <table className="certificates" aria-label={t('certificates')}>
                <thead>
                  <tr>
                    <th>{t('subject')}</th>
                    <th>{t('issuer')}</th>
                    <th>{t('validity')}</th>
                  </tr>
                </thead>
                <tbody>
                  {certificates.map((certificate, index) => (
                    <tr key={index}>
                      <td>{certificate.subject}</td>
                      <td>{certificate.issuer}</td>
                      <td>
                        {certificate.notBefore.toISOString().slice(0, 10)} –{' '}
                        {certificate.notAfter.toISOString().slice(0, 10)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          )}
          <div className="buttons">
            <button type="submit" className="primary" disabled={status.kind === 'saving'}>
              {status.kind === 'saving' ? t('saving') : t('save')}
            </button>
            <StatusLine status={status} />
          </div>
        </fieldset>
      </form>
      {confirmCount !== null && (
        <Confirm
          title={t('localTunnel')}
          text={t('confirmLocalTunnel', { count: confirmCount })}
          action={t('confirm')}
          onConfirm={() => void save()}
          onCancel={() => {
            setConfirmCount(null);
          }}
        />
      )}
    </section>
  );
}

function StatusLine({ status }: { status: Status }) {
  const { t } = useI18n();
  if (status.kind === 'saved')
    return (
      <span role="status" className="saved">
        {t('saved')}
      </span>
    );
  if (status.kind === 'failed') {
    return (
      <span role="alert" className="problem">
        {t('saveFailed', { message: status.text })}
      </span>
    );
  }
  return <span role="status" />;
}
