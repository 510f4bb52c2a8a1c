// The monitor of authorized users: server-side search, sort and keyset paging (DECISIONS 44), a
// virtualised table sized by the total, and live changes from /api/v1/sessions/stream.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { SessionItem, SessionQuery } from '../../api/types';
import { Confirm } from '../../components/Confirm';
import { useI18n } from '../../i18n';
import type { MessageKey } from '../../i18n/en';

const pageSize = 200;
const rowHeight = 34;

type SortField = 'account' | 'source_address' | 'tunnel_ipv4' | 'method' | 'node' | 'since' | 'rx_bytes';

interface Query {
  search: string;
  sort: SortField;
  descending: boolean;
  vpnOnly: boolean;
}

interface Loaded {
  rows: SessionItem[];
  total: number;
  next: string | null;
}

function bytes(value: number | null): string {
  if (value === null) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let amount = value;
  let unit = 0;
  while (amount >= 1024 && unit < units.length - 1) {
    amount /= 1024;
    unit++;
  }
  return `${unit === 0 ? amount : amount.toFixed(1)} ${units[unit] ?? 'B'}`;
}

function queryOf(query: Query, limit: number, cursor: string | null): SessionQuery {
  return {
    limit: String(limit),
    sort: `${query.descending ? '-' : ''}${query.sort}`,
    ...(query.search === '' ? {} : { search: query.search }),
    ...(query.vpnOnly ? { vpn_only: 'true' as const } : {}),
    ...(cursor === null ? {} : { cursor }),
  };
}

const columns: { label: MessageKey; sort?: SortField; className: string }[] = [
  { label: 'colUser', sort: 'account', className: 'c-user' },
  { label: 'colDevice', className: 'c-device' },
  { label: 'colAddress', sort: 'source_address', className: 'c-address' },
  { label: 'colTunnel', sort: 'tunnel_ipv4', className: 'c-tunnel' },
  { label: 'colKind', className: 'c-kind' },
  { label: 'colMethod', sort: 'method', className: 'c-method' },
  { label: 'colNode', sort: 'node', className: 'c-node' },
  { label: 'colPosture', className: 'c-posture' },
  { label: 'colSince', sort: 'since', className: 'c-since' },
  { label: 'colTraffic', sort: 'rx_bytes', className: 'c-traffic' },
];

export function Monitor({ canChange }: { canChange: boolean }) {
  const { t } = useI18n();
  const [typed, setTyped] = useState('');
  const [query, setQuery] = useState<Query>({ search: '', sort: 'since', descending: false, vpnOnly: false });
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [live, setLive] = useState(false);
  const [ending, setEnding] = useState<SessionItem | null>(null);
  const loading = useRef(false);
  const generation = useRef(0);
  const scroller = useRef<HTMLDivElement>(null);

  // Typing settles for 250 ms before the gateway is asked.
  useEffect(() => {
    const timer = setTimeout(() => {
      setQuery((q) => (q.search === typed ? q : { ...q, search: typed }));
    }, 250);
    return () => {
      clearTimeout(timer);
    };
  }, [typed]);

  /** The first `limit` sessions of the query again (after a change of query, or sessions added). */
  const reload = useCallback(
    async (limit: number) => {
      const mine = ++generation.current;
      loading.current = true;
      try {
        const page = unwrap(
          await api.GET('/api/v1/sessions', { params: { query: queryOf(query, limit, null) } }),
        );
        if (mine !== generation.current) return;
        setLoaded({ rows: page.items, total: page.total, next: page.next_cursor });
        setProblem(null);
      } catch (error) {
        setProblem(error instanceof Error ? error.message : String(error));
      } finally {
        if (mine === generation.current) loading.current = false;
      }
    },
    [query],
  );

  useEffect(() => {
    scroller.current?.scrollTo({ top: 0 });
    void reload(pageSize);
  }, [reload]);

  const loadMore = useCallback(async () => {
    if (loading.current || loaded?.next == null) return;
    const mine = generation.current;
    loading.current = true;
    try {
      const page = unwrap(
        await api.GET('/api/v1/sessions', { params: { query: queryOf(query, pageSize, loaded.next) } }),
      );
      if (mine !== generation.current) return;
      setLoaded((before) =>
        before === null
          ? before
          : { rows: [...before.rows, ...page.items], total: page.total, next: page.next_cursor },
      );
    } finally {
      if (mine === generation.current) loading.current = false;
    }
  }, [loaded, query]);

  // Live changes: patch and remove in place; for added sessions ask for the loaded window again. The
  // stream stays open across queries: the reload it triggers reads the current query through a ref.
  const reloadWindow = useRef<() => void>(() => undefined);
  const loadedCount = loaded?.rows.length ?? 0;
  useEffect(() => {
    reloadWindow.current = () => void reload(Math.min(1000, Math.max(pageSize, loadedCount)));
  }, [reload, loadedCount]);
  useEffect(() => {
    const source = new EventSource('/api/v1/sessions/stream');
    let soon: ReturnType<typeof setTimeout> | undefined;
    source.onopen = () => {
      setLive(true);
    };
    source.onerror = () => {
      setLive(false);
    };
    source.addEventListener('added', () => {
      clearTimeout(soon);
      soon = setTimeout(() => {
        reloadWindow.current();
      }, 300);
    });
    source.addEventListener('changed', (event) => {
      const item = JSON.parse((event as MessageEvent<string>).data) as SessionItem;
      setLoaded((before) =>
        before === null
          ? before
          : { ...before, rows: before.rows.map((row) => (row.id === item.id ? item : row)) },
      );
    });
    source.addEventListener('ended', (event) => {
      const { id } = JSON.parse((event as MessageEvent<string>).data) as { id: string };
      setLoaded((before) => {
        if (before === null || !before.rows.some((row) => row.id === id)) return before;
        return { ...before, rows: before.rows.filter((row) => row.id !== id), total: before.total - 1 };
      });
    });
    source.addEventListener('signed_out', () => {
      source.close();
      // The next call finds the session gone and the app returns to sign-in.
      void api.GET('/api/v1/me');
    });
    return () => {
      source.close();
      clearTimeout(soon);
    };
  }, []);

  const total = loaded?.total ?? 0;
  // The virtualizer's functions change with every render by design; nothing memoizes this component.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? 0;
  useEffect(() => {
    if (loaded !== null && lastIndex >= loaded.rows.length - 20) void loadMore();
  }, [lastIndex, loaded, loadMore]);

  const sortBy = (field: SortField) => {
    setQuery((q) => ({ ...q, sort: field, descending: q.sort === field ? !q.descending : false }));
  };

  const endSession = async (session: SessionItem) => {
    setEnding(null);
    try {
      unwrap(await api.DELETE('/api/v1/sessions/{id}', { params: { path: { id: session.id } } }));
      setLoaded((before) =>
        before === null
          ? before
          : { ...before, rows: before.rows.filter((row) => row.id !== session.id), total: before.total - 1 },
      );
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    }
  };

  const padTop = items[0]?.start ?? 0;
  const padBottom = total * rowHeight - (items.at(-1)?.end ?? 0);
  return (
    <section className="monitor">
      <h1>{t('monitorTitle')}</h1>
      <div className="toolbar">
        <label>
          {t('search')}{' '}
          <input
            type="search"
            value={typed}
            placeholder={t('searchPlaceholder')}
            onChange={(event) => {
              setTyped(event.target.value);
            }}
          />
        </label>
        <label className="switch">
          <input
            type="checkbox"
            checked={query.vpnOnly}
            onChange={(event) => {
              setQuery((q) => ({ ...q, vpnOnly: event.target.checked }));
            }}
          />
          {t('onlyVpn')}
        </label>
        <span role="status" className="count" data-testid="session-count">
          {loaded === null ? t('loading') : t('sessionsCount', { count: total })}
        </span>
        <span className={live ? 'live on' : 'live'}>{live ? t('liveOn') : t('liveOff')}</span>
      </div>
      {problem !== null && (
        <p role="alert" className="problem">
          {t('error', { message: problem })}
        </p>
      )}
      <div className="table-scroll" ref={scroller}>
        <table className="sessions" aria-rowcount={total + 1}>
          <thead>
            <tr>
              {columns.map((column) => {
                const sorted = column.sort !== undefined && query.sort === column.sort;
                return (
                  <th
                    key={column.label}
                    className={column.className}
                    aria-sort={sorted ? (query.descending ? 'descending' : 'ascending') : undefined}
                  >
                    {column.sort === undefined ? (
                      t(column.label)
                    ) : (
                      <button
                        type="button"
                        className="sort"
                        onClick={() => {
                          sortBy(column.sort ?? 'since');
                        }}
                      >
                        {t(column.label)}
                        {sorted ? (query.descending ? ' ▼' : ' ▲') : ''}
                      </button>
                    )}
                  </th>
                );
              })}
              {canChange && <th className="c-actions">{t('colActions')}</th>}
            </tr>
          </thead>
          <tbody>
            {padTop > 0 && (
              <tr aria-hidden="true" style={{ height: padTop }}>
                <td colSpan={columns.length + 1} />
              </tr>
            )}
            {items.map((virtual) => {
              const row = loaded?.rows[virtual.index];
              if (row === undefined) {
                return (
                  <tr key={`pending-${virtual.index}`} className="pending" style={{ height: rowHeight }}>
                    <td colSpan={columns.length + (canChange ? 1 : 0)}>{t('loading')}</td>
                  </tr>
                );
              }
              return (
                <tr
                  key={row.id}
                  aria-rowindex={virtual.index + 2}
                  style={{ height: rowHeight }}
                  data-session={row.id}
                >
                  <td className="c-user">{row.account}</td>
                  <td className="c-device" title={row.device}>
                    {row.device}
                  </td>
                  <td className="c-address">{row.source_address}</td>
                  <td className="c-tunnel">{row.tunnel_ipv4 ?? '—'}</td>
                  <td className="c-kind">
                    {row.vpn ? t('kindVpn') : row.local ? t('kindLocal') : t('kindExternal')}
                  </td>
                  <td className="c-method">{row.method}</td>
                  <td className="c-node">
                    {row.node} / {row.worker ?? t('inGrace')}
                  </td>
                  <td className="c-posture" title={row.posture?.message}>
                    {row.posture?.profiles.join(', ') ?? '—'}
                  </td>
                  <td className="c-since">{new Date(row.since).toLocaleString()}</td>
                  <td className="c-traffic">
                    {bytes(row.rx_bytes)} / {bytes(row.tx_bytes)}
                  </td>
                  {canChange && (
                    <td className="c-actions">
                      <button
                        type="button"
                        className="danger small"
                        onClick={() => {
                          setEnding(row);
                        }}
                      >
                        {t('endSession')}
                      </button>
                    </td>
                  )}
                </tr>
              );
            })}
            {padBottom > 0 && (
              <tr aria-hidden="true" style={{ height: padBottom }}>
                <td colSpan={columns.length + 1} />
              </tr>
            )}
          </tbody>
        </table>
        {loaded !== null && total === 0 && <p className="empty">{t('noSessions')}</p>}
      </div>
      {ending !== null && (
        <Confirm
          title={t('endSession')}
          text={t('endSessionConfirm', { user: ending.account, address: ending.source_address })}
          action={t('endSession')}
          onConfirm={() => void endSession(ending)}
          onCancel={() => {
            setEnding(null);
          }}
        />
      )}
    </section>
  );
}
