// Exemptions from enforcement (DECISIONS 72): hosts that forward without a session ("from") and
// destinations anyone on an enforced interface may reach ("to"), one list each, applied by the gateway
// within a second of a change.
import { useEffect, useState, type SyntheticEvent } from 'react';
import { ApiFailure, api, messageOf, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';
import { TextField } from '../../components/Field';
import { useConfirm } from '../../components/useConfirm';
import { usePagedList } from '../../components/usePagedList';
import { useI18n } from '../../i18n';
import type { PageProps } from '../props';

type ExemptionPage = paths['/api/v1/exemptions']['get']['responses'][200]['content']['application/json'];
type Exemption = ExemptionPage['items'][number];
type Direction = Exemption['direction'];

// A site has tens of exemptions, not thousands: the largest page holds them all.
const fetchAll = async (cursor: string | null): Promise<ExemptionPage> =>
  unwrap(
    await api.GET('/api/v1/exemptions', {
      params: { query: { limit: '1000', sort: 'network', ...(cursor === null ? {} : { cursor }) } },
    }),
  );

function AddForm({ direction, onAdded }: { direction: Direction; onAdded: () => void }) {
  const { t } = useI18n();
  const [network, setNetwork] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ text: string; atField: boolean } | null>(null);
  const id = `exemption-${direction}`;

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    api
      .POST('/api/v1/exemptions', { body: { direction, network: network.trim() } })
      .then((result) => {
        unwrap(result);
        setNetwork('');
        onAdded();
      })
      .catch((error: unknown) => {
        // The network is the form's one field: a conflict (the same one twice) is said there too.
        const atField = error instanceof ApiFailure && (error.field === '/network' || error.status === 409);
        setProblem({ text: messageOf(error), atField });
      })
      .finally(() => {
        setBusy(false);
      });
  };

  return (
    <form className="inline-form" onSubmit={submit}>
      <TextField
        id={id}
        label={t('exemptionNetwork')}
        hint={t('exemptionNetworkHint')}
        error={problem?.atField === true ? problem.text : null}
        value={network}
        required
        maxLength={64}
        spellCheck={false}
        autoComplete="off"
        onChange={(event) => {
          setNetwork(event.target.value);
        }}
      />
      <button type="submit" className="primary" disabled={busy || network.trim() === ''}>
        {busy ? t('exemptionAdding') : t('exemptionAdd')}
      </button>
      {problem !== null && !problem.atField && (
        <p role="alert" className="problem">
          {t('error', { message: problem.text })}
        </p>
      )}
    </form>
  );
}

function DirectionSection({
  direction,
  items,
  canChange,
  onChanged,
  onRemove,
}: {
  direction: Direction;
  items: readonly Exemption[];
  canChange: boolean;
  onChanged: () => void;
  onRemove: (exemption: Exemption) => void;
}) {
  const { t, dateTime } = useI18n();
  const titleId = `exemptions-${direction}-title`;
  const title = direction === 'from' ? t('exemptionFromTitle') : t('exemptionToTitle');
  return (
    <section className="page-section" aria-labelledby={titleId}>
      <h2 id={titleId}>{title}</h2>
      <p className="muted">{direction === 'from' ? t('exemptionFromHint') : t('exemptionToHint')}</p>
      {canChange && <AddForm direction={direction} onAdded={onChanged} />}
      {items.length === 0 ? (
        <p className="empty">{t('exemptionNone')}</p>
      ) : (
        <table className="list" aria-labelledby={titleId}>
          <thead>
            <tr>
              <th scope="col">{t('exemptionNetwork')}</th>
              <th scope="col">{t('exemptionAdded')}</th>
              {canChange && <th scope="col" aria-label={t('exemptionRemove')} />}
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.id}>
                <td className="mono">{item.network}</td>
                <td>{dateTime(item.created_at)}</td>
                {canChange && (
                  <td className="actions">
                    <button
                      type="button"
                      className="danger small"
                      aria-label={`${t('exemptionRemove')} ${item.network}`}
                      onClick={() => {
                        onRemove(item);
                      }}
                    >
                      {t('exemptionRemove')}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function Exemptions({ canChange }: PageProps) {
  const { t } = useI18n();
  const list = usePagedList(fetchAll, 'all');
  const [problem, setProblem] = useState<string | null>(null);
  const { more } = list;
  // Every page is wanted (the sections split them by direction).
  useEffect(() => {
    more?.();
  }, [more]);

  const remove = (exemption: Exemption) => {
    api
      .DELETE('/api/v1/exemptions/{id}', { params: { path: { id: exemption.id } } })
      .then((result) => {
        unwrap(result);
        setProblem(null);
      })
      .catch((error: unknown) => {
        setProblem(messageOf(error));
      })
      .finally(list.reload);
  };
  const removal = useConfirm<Exemption>(
    (exemption) => ({
      title: t('exemptionRemoveTitle', { network: exemption.network }),
      text: t(exemption.direction === 'from' ? 'exemptionRemoveFromText' : 'exemptionRemoveToText', {
        network: exemption.network,
      }),
      action: t('exemptionRemove'),
    }),
    remove,
  );

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('exemptionsTitle')}</h1>
      <p>{t('exemptionsIntro')}</p>
      {list.loading && <p className="muted">{t('loading')}</p>}
      {(list.problem ?? problem) !== null && (
        <p role="alert" className="problem">
          {t('error', { message: list.problem ?? problem ?? '' })}
        </p>
      )}
      {!list.loading && <p className="count">{t('exemptionCount', { count: list.total })}</p>}
      {(['from', 'to'] as const).map((direction) => (
        <DirectionSection
          key={direction}
          direction={direction}
          items={list.items.filter((item) => item.direction === direction)}
          canChange={canChange}
          onChanged={list.reload}
          onRemove={removal.ask}
        />
      ))}
      {removal.dialog}
    </section>
  );
}
