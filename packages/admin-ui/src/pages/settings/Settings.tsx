// The client settings (the vendor's /agent_backend/wireguard routes): the on/off state, saved at once,
// and the settings object, saved as a whole with the API's errors shown at their field.
import { useCallback, useEffect, useMemo, useState, type SyntheticEvent } from 'react';
import { ApiFailure, api, messageOf, unwrap } from '../../api/client';
import type { ClientSettings } from '../../api/types';
import { Confirm } from '../../components/Confirm';
import { CheckField, TextAreaField, TextField } from '../../components/Field';
import { useI18n, type Translate } from '../../i18n';
import { readPem, validAt, type PemBlock } from '../../pem/certificates';
import type { PageProps } from '../props';

type Status =
  | { kind: 'idle' }
  | { kind: 'saving' }
  | { kind: 'saved' }
  | { kind: 'failed'; text: string; atField?: boolean };

type Loaded =
  | { kind: 'loading' }
  | { kind: 'failed'; text: string }
  | { kind: 'ready'; enabled: boolean; settings: ClientSettings };

/** The fields the form shows, as the API's JSON Pointers name them. */
const fields = new Set(['/auth_domain', '/local_tunnel', '/device_vpn', '/trusted_ca_cert']);

const same = (a: ClientSettings, b: ClientSettings) =>
  a.auth_domain === b.auth_domain &&
  a.local_tunnel === b.local_tunnel &&
  a.device_vpn === b.device_vpn &&
  a.trusted_ca_cert === b.trusted_ca_cert;

export function Settings({ canChange }: PageProps) {
  const { t } = useI18n();
  const [loaded, setLoaded] = useState<Loaded>({ kind: 'loading' });

  const load = useCallback(() => {
    void Promise.all([api.GET('/agent_backend/wireguard/state'), api.GET('/agent_backend/wireguard/setting')])
      .then(([state, setting]) => {
        setLoaded({ kind: 'ready', enabled: unwrap(state).enabled, settings: unwrap(setting) });
      })
      .catch((error: unknown) => {
        setLoaded({ kind: 'failed', text: messageOf(error) });
      });
  }, []);
  useEffect(load, [load]);

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('settingsTitle')}</h1>
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
      {loaded.kind === 'ready' && (
        <>
          <AuthorizationState initial={loaded.enabled} canChange={canChange} />
          <SettingsForm initial={loaded.settings} canChange={canChange} />
        </>
      )}
    </section>
  );
}

/** The on/off switch: saved the moment it changes, put back if the gateway refuses. */
function AuthorizationState({ initial, canChange }: { initial: boolean; canChange: boolean }) {
  const { t } = useI18n();
  const [enabled, setEnabled] = useState(initial);
  const [status, setStatus] = useState<Status>({ kind: 'idle' });

  const toggle = async (next: boolean) => {
    setEnabled(next);
    setStatus({ kind: 'saving' });
    try {
      const stored = unwrap(await api.PUT('/agent_backend/wireguard/state', { body: { enabled: next } }));
      setEnabled(stored.enabled);
      setStatus({ kind: 'saved' });
    } catch (error) {
      setEnabled(!next);
      setStatus({ kind: 'failed', text: messageOf(error) });
    }
  };

  return (
    <div className="card">
      <CheckField
        id="state-enabled"
        label={t('authorization')}
        hint={enabled ? t('authorizationOn') : t('authorizationOff')}
        checked={enabled}
        disabled={!canChange || status.kind === 'saving'}
        onChange={(event) => void toggle(event.target.checked)}
      />
      <StatusLine status={status} saved={enabled ? t('stateSaved') : t('stateSavedOff')} />
    </div>
  );
}

function certificateProblems(blocks: readonly PemBlock[], t: Translate): string[] {
  const problems: string[] = [];
  blocks.forEach((block, index) => {
    if (block.kind === 'unreadable')
      problems.push(t('unreadableCertificate', { index: index + 1, reason: block.reason }));
    if (block.kind === 'other') problems.push(t('otherBlock', { label: block.label }));
  });
  return problems;
}

function SettingsForm({ initial, canChange }: { initial: ClientSettings; canChange: boolean }) {
  const { t, dateTime } = useI18n();
  const [stored, setStored] = useState(initial);
  const [draft, setDraft] = useState(initial);
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [confirmCount, setConfirmCount] = useState<number | null>(null);

  const pem = draft.trusted_ca_cert ?? '';
  const blocks = useMemo(() => readPem(pem), [pem]);
  const certificates = blocks.flatMap((block) => (block.kind === 'certificate' ? [block.certificate] : []));
  const problems = certificateProblems(blocks, t);
  const now = new Date();

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
      const text = messageOf(error);
      // At a field the words are shown there; the line by Save points to it.
      const field = error instanceof ApiFailure ? error.field : null;
      if (field !== null && fields.has(field)) {
        setFieldErrors({ [field]: text });
        setStatus({ kind: 'failed', text, atField: true });
      } else setStatus({ kind: 'failed', text });
    }
  };

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    if (draft.local_tunnel === stored.local_tunnel) {
      await save();
      return;
    }
    // PROTOCOL.md: a changed local_tunnel ends every local session; say how many first.
    setStatus({ kind: 'saving' });
    try {
      const local = unwrap(
        await api.GET('/api/v1/sessions', { params: { query: { local: 'true', limit: '1' } } }),
      );
      setStatus({ kind: 'idle' });
      setConfirmCount(local.total);
    } catch (error) {
      setStatus({ kind: 'failed', text: messageOf(error) });
    }
  };

  const update = (fields: Partial<ClientSettings>) => {
    setDraft({ ...draft, ...fields });
    setStatus({ kind: 'idle' });
    // A field edited again no longer shows the error the gateway gave for it.
    setFieldErrors(
      Object.fromEntries(Object.entries(fieldErrors).filter(([field]) => !(field.slice(1) in fields))),
    );
  };

  const readFile = (file: File) => {
    void file.text().then((text) => {
      update({ trusted_ca_cert: text.trim() === '' ? null : text });
    });
  };

  const dirty = !same(draft, stored);
  return (
    <form className="card" onSubmit={(event) => void submit(event)} noValidate>
      <fieldset disabled={!canChange}>
        <TextField
          id="auth_domain"
          label={t('authDomain')}
          hint={t('authDomainHint')}
          value={draft.auth_domain ?? ''}
          placeholder="gw.corp.example"
          autoCapitalize="none"
          spellCheck={false}
          error={fieldErrors['/auth_domain']}
          onChange={(event) => {
            update({ auth_domain: event.target.value.trim() === '' ? null : event.target.value });
          }}
        />
        <CheckField
          id="local_tunnel"
          label={t('localTunnel')}
          hint={t('localTunnelHint')}
          checked={draft.local_tunnel}
          error={fieldErrors['/local_tunnel']}
          onChange={(event) => {
            update({ local_tunnel: event.target.checked });
          }}
        />
        <CheckField
          id="device_vpn"
          label={t('deviceVpn')}
          hint={t('deviceVpnHint')}
          checked={draft.device_vpn}
          error={fieldErrors['/device_vpn']}
          onChange={(event) => {
            update({ device_vpn: event.target.checked });
          }}
        />
        <TextAreaField
          id="trusted_ca_cert"
          label={t('trustedCa')}
          hint={t('trustedCaHint')}
          rows={7}
          spellCheck={false}
          value={pem}
          placeholder="-----BEGIN CERTIFICATE-----"
          error={fieldErrors['/trusted_ca_cert']}
          onChange={(event) => {
            update({ trusted_ca_cert: event.target.value.trim() === '' ? null : event.target.value });
          }}
          onDragOver={(event) => {
            event.preventDefault();
          }}
          onDrop={(event) => {
            const file = event.dataTransfer.files[0];
            if (file === undefined) return;
            event.preventDefault();
            readFile(file);
          }}
        />
        <div className="field">
          <label htmlFor="trusted_ca_file">{t('uploadPem')}</label>
          <input
            id="trusted_ca_file"
            type="file"
            accept=".pem,.crt,.cer,application/x-pem-file,application/x-x509-ca-cert"
            onChange={(event) => {
              const file = event.target.files?.[0];
              if (file !== undefined) readFile(file);
              // The same file chosen again is read again.
              event.target.value = '';
            }}
          />
        </div>
        {pem.trim() !== '' && blocks.length === 0 && <p className="problem">{t('noCertificate')}</p>}
        {problems.map((problem) => (
          <p className="problem" key={problem}>
            {problem}
          </p>
        ))}
        {certificates.length > 0 && (
          <div className="table-wrap">
            <table className="grid certificates" aria-label={t('certificates')}>
              <thead>
                <tr>
                  <th scope="col">{t('subject')}</th>
                  <th scope="col">{t('issuer')}</th>
                  <th scope="col">{t('validity')}</th>
                  <th scope="col">{t('isCa')}</th>
                  <th scope="col">{t('serialNumber')}</th>
                </tr>
              </thead>
              <tbody>
                {certificates.map((certificate, index) => {
                  const valid = validAt(certificate, now);
                  return (
                    <tr key={index}>
                      <td>{certificate.subject}</td>
                      <td>{certificate.issuer}</td>
                      <td>
                        <span className="nowrap">{dateTime(certificate.notBefore)}</span> –{' '}
                        <span className="nowrap">{dateTime(certificate.notAfter)}</span>
                        {!valid && (
                          <span className="problem">
                            {' '}
                            ({certificate.notAfter < now ? t('expired') : t('notYetValid')})
                          </span>
                        )}
                      </td>
                      <td>
                        {certificate.ca === true ? t('yes') : <span className="problem">{t('notCa')}</span>}
                      </td>
                      <td className="mono serial">{certificate.serialNumber}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        <div className="buttons">
          <button type="submit" className="primary" disabled={status.kind === 'saving'}>
            {status.kind === 'saving' ? t('saving') : t('save')}
          </button>
          <StatusLine status={status} saved={t('saved')} idle={dirty ? t('unsaved') : ''} />
        </div>
      </fieldset>
      {confirmCount !== null && (
        <Confirm
          title={t('confirmLocalTunnelTitle')}
          text={t('confirmLocalTunnel', { count: confirmCount })}
          action={t('confirm')}
          onConfirm={() => void save()}
          onCancel={() => {
            setConfirmCount(null);
          }}
        />
      )}
    </form>
  );
}

/** Saved or not, in a live region that is always there (its words change; nothing moves). */
function StatusLine({ status, saved, idle = '' }: { status: Status; saved: string; idle?: string }) {
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
