// The client settings (the vendor's /agent_backend/wireguard routes): the on/off state, saved at once,
// and the settings object, saved as a whole with the API's errors shown at their field.
import { useState, type SyntheticEvent } from 'react';
import { ApiFailure, api, messageOf, unwrap } from '../../api/client';
import type { ClientSettings } from '../../api/types';
import { CertificateField } from '../../components/CertificateField';
import { Confirm } from '../../components/Confirm';
import { CheckField, TextField } from '../../components/Field';
import { LoadState } from '../../components/LoadState';
import { StatusLine, type SaveStatus } from '../../components/StatusLine';
import { useLoaded } from '../../components/useLoaded';
import { useI18n } from '../../i18n';
import type { PageProps } from '../props';

type Status = SaveStatus;

/** The fields the form shows, as the API's JSON Pointers name them. */
const fields = new Set(['/auth_domain', '/local_tunnel', '/device_vpn', '/trusted_ca_cert']);

const same = (a: ClientSettings, b: ClientSettings) =>
  a.auth_domain === b.auth_domain &&
  a.local_tunnel === b.local_tunnel &&
  a.device_vpn === b.device_vpn &&
  a.trusted_ca_cert === b.trusted_ca_cert;

async function fetchSettings(): Promise<{ enabled: boolean; settings: ClientSettings }> {
  const [state, setting] = await Promise.all([
    api.GET('/agent_backend/wireguard/state'),
    api.GET('/agent_backend/wireguard/setting'),
  ]);
  return { enabled: unwrap(state).enabled, settings: unwrap(setting) };
}

export function Settings({ canChange }: PageProps) {
  const { t } = useI18n();
  const { loaded, retry } = useLoaded(fetchSettings);

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('settingsTitle')}</h1>
      <LoadState loaded={loaded} onRetry={retry} />
      {loaded.kind === 'ready' && (
        <>
          <AuthorizationState initial={loaded.data.enabled} canChange={canChange} />
          <SettingsForm initial={loaded.data.settings} canChange={canChange} />
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

function SettingsForm({ initial, canChange }: { initial: ClientSettings; canChange: boolean }) {
  const { t } = useI18n();
  const [stored, setStored] = useState(initial);
  const [draft, setDraft] = useState(initial);
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [confirmCount, setConfirmCount] = useState<number | null>(null);

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
        <CertificateField
          id="trusted_ca_cert"
          label={t('trustedCa')}
          hint={t('trustedCaHint')}
          value={draft.trusted_ca_cert}
          error={fieldErrors['/trusted_ca_cert']}
          onChange={(pem) => {
            update({ trusted_ca_cert: pem });
          }}
        />
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
