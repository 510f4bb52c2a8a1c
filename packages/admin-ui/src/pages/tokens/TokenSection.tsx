// API tokens (GET/POST /api/v1/tokens, DELETE /api/v1/tokens/{id}): the list, a form that makes one
// (its secret shown once), and revoking with a confirmation.
import { useCallback, useState, type SyntheticEvent } from 'react';
import { api, messageOf, unwrap } from '../../api/client';
import { TextField } from '../../components/Field';
import { useConfirm } from '../../components/useConfirm';
import { useI18n } from '../../i18n';
import { failureOf, FormProblem } from './FormProblem';
import type { NewToken, Problem, Role, TokenItem } from './model';
import { NewTokenDialog } from './NewTokenDialog';
import { OutcomeLine, RoleField, VisibleList, type Outcome } from './parts';
import { useVisibleList } from './useVisibleList';

const tokenFields = ['/name', '/role'];

export function TokenSection({ canChange }: { canChange: boolean }) {
  const { t, dateTime } = useI18n();
  const fetchPage = useCallback(
    async (cursor: string | null) =>
      unwrap(await api.GET('/api/v1/tokens', { params: { query: cursor === null ? {} : { cursor } } })),
    [],
  );
  const list = useVisibleList<TokenItem>(fetchPage);
  const [created, setCreated] = useState<NewToken | null>(null);
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'none' });

  const revoke = async (token: TokenItem) => {
    try {
      const result = await api.DELETE('/api/v1/tokens/{id}', { params: { path: { id: token.id } } });
      // Already gone (404) is what was asked for.
      if (result.response.status !== 404) unwrap(result);
      setOutcome({ kind: 'done', text: t('tkTokenRevoked', { name: token.name }) });
    } catch (error) {
      setOutcome({ kind: 'failed', text: t('tkFailed', { message: messageOf(error) }) });
    }
    list.reload();
  };
  const revoking = useConfirm<TokenItem>(
    (token) => ({
      title: t('tkRevokeTokenTitle'),
      text: t('tkRevokeTokenConfirm', { name: token.name }),
      action: t('tkRevokeToken'),
    }),
    (token) => void revoke(token),
  );

  return (
    <section className="page-section" aria-labelledby="tokens-title">
      <h2 id="tokens-title">{t('tkTokensSection')}</h2>
      <p className="muted">{t('tkTokensHint')}</p>
      <VisibleList
        list={list}
        forbidden={t('tkTokensForbidden')}
        count={t('tkTokensCount', { count: list.total })}
        none={t('tkNoTokens')}
      >
        <table className="list" aria-labelledby="tokens-title">
          <thead>
            <tr>
              <th scope="col">{t('tkColName')}</th>
              <th scope="col">{t('tkColRole')}</th>
              <th scope="col">{t('tkColCreated')}</th>
              <th scope="col">{t('tkColId')}</th>
              {canChange && <th scope="col">{t('colActions')}</th>}
            </tr>
          </thead>
          <tbody>
            {list.items.map((token) => (
              <tr key={token.id}>
                <td>{token.name}</td>
                <td>{token.role === 'admin' ? t('roleAdmin') : t('roleViewer')}</td>
                <td className="nowrap">{dateTime(token.created_at)}</td>
                <td className="mono">{token.id}</td>
                {canChange && (
                  <td className="actions">
                    <button
                      type="button"
                      className="danger small"
                      aria-label={`${t('tkRevokeToken')} ${token.name}`}
                      onClick={() => {
                        revoking.ask(token);
                      }}
                    >
                      {t('tkRevokeToken')}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </VisibleList>
      <OutcomeLine outcome={outcome} />
      {canChange && (
        <CreateTokenForm
          onCreated={(token) => {
            setCreated(token);
            setOutcome({ kind: 'none' });
            list.reload();
          }}
        />
      )}
      {created !== null && (
        <NewTokenDialog
          key={created.id}
          created={created}
          onClose={() => {
            setCreated(null);
          }}
        />
      )}
      {revoking.dialog}
    </section>
  );
}

function CreateTokenForm({ onCreated }: { onCreated: (token: NewToken) => void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('admin');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const token = unwrap(await api.POST('/api/v1/tokens', { body: { name, role } }));
      setName('');
      onCreated(token);
    } catch (error) {
      setProblem(failureOf(error, tokenFields));
    } finally {
      setBusy(false);
    }
  };

  const errorAt = (field: string) => (problem?.field === field ? problem.text : null);
  return (
    <form
      className="card tokens-form token-create"
      aria-labelledby="new-token-title"
      noValidate
      onSubmit={(event) => void submit(event)}
    >
      <h3 id="new-token-title">{t('tkNewTokenSection')}</h3>
      <TextField
        id="token-name"
        label={t('tkTokenName')}
        hint={t('tkTokenNameHint')}
        value={name}
        maxLength={128}
        autoComplete="off"
        error={errorAt('/name')}
        onChange={(event) => {
          setName(event.target.value);
          setProblem(null);
        }}
      />
      <RoleField
        id="token-role"
        label={t('tkTokenRole')}
        value={role}
        error={errorAt('/role')}
        onChange={setRole}
      />
      <div className="buttons">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('tkCreatingToken') : t('tkCreateToken')}
        </button>
        <FormProblem problem={problem} />
      </div>
    </form>
  );
}
