// The monitor of authorized users: search, sort and keyset paging on the gateway (DECISIONS 44) into a
// virtualised table sized by the total, kept live by /api/v1/sessions/stream (docs/console.md).
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, messageOf, sessionEnded, unwrap } from '../../api/client';
import type { SessionItem } from '../../api/types';
import { Confirm } from '../../components/Confirm';
import { useI18n, type Translate } from '../../i18n';
import type { MessageKey } from '../../i18n/en';
import {
  endedId,
  fetchMore,
  fetchWindow,
  initialQuery,
  isSessionItem,
  pageSize,
  parseEvent,
  patched,
  removed,
  sortedBy,
  type FetchPage,
  type Loaded,
  type Query,
  type SortField,
} from './sessions';
import type { PageProps } from '../props';

const rowHeight = 34;
const overscan = 12;
/** Typing settles this long before the gateway is asked. */
const searchPauseMs = 250;
/** Sessions added: the loaded rows are asked again this long after the last "added". */
const addedPauseMs = 400;
/** Byte counters are no change in the stream: the rows in view are asked again this often. */
const countersEveryMs = 10_000;

const columns: readonly { label: MessageKey; sort?: SortField; className: string }[] = [
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

const methodKeys: Record<SessionItem['method'], MessageKey> = {
  password: 'methodPassword',
  kerberos: 'methodKerberos',
  ntlm: 'methodNtlm',
  device: 'methodDevice',
};

/** The query outlives the page while the console is open: back from another page, the same view. */
let remembered: Query = initialQuery;

const fetchPage: FetchPage = async (query) =>
  unwrap(await api.GET('/api/v1/sessions', { params: { query } }));

function kindOf(row: SessionItem, t: Translate): string {
  if (row.vpn) return t('kindVpn');
  return row.local ? t('kindLocal') : t('kindExternal');
}

export function Monitor({ canChange }: PageProps) {
  const { t, dateTime, bytes } = useI18n();
  const [query, setQuery] = useState<Query>(() => remembered);
  const [typed, setTyped] = useState(query.search);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [live, setLive] = useState<'connecting' | 'live' | 'reconnecting'>('connecting');
  const [ending, setEnding] = useState<SessionItem | null>(null);
  const scroller = useRef<HTMLDivElement>(null);

  // What the asynchronous parts (the stream, timers, replies) read: the latest values, not a render's.
  const latest = useRef({ query, loaded, lastVisible: 0 });
  // Every reply that replaces or extends the rows carries the generation it was asked in; a newer ask
  // makes older replies moot, so rows never mix two queries or two moments.
  const generation = useRef(0);
  const busy = useRef(false);
  const catchUpTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    latest.current.query = query;
    latest.current.loaded = loaded;
    remembered = query;
  }, [query, loaded]);

  useEffect(() => {
    const timer = setTimeout(() => {
      setQuery((before) => (before.search === typed ? before : { ...before, search: typed }));
    }, searchPauseMs);
    return () => {
      clearTimeout(timer);
    };
  }, [typed]);

  /** The first `count` rows of `forQuery` again, replacing what is loaded. */
  const refresh = useCallback(async (forQuery: Query, count: number) => {
    const mine = ++generation.current;
    busy.current = true;
    try {
      const next = await fetchWindow(fetchPage, forQuery, count);
      if (mine !== generation.current) return;
      busy.current = false;
      setLoaded(next);
      setProblem(null);
    } catch (error) {
      if (mine !== generation.current) return;
      busy.current = false;
      setProblem(messageOf(error));
    }
  }, []);

  /** Ask again, soon, for the rows up to the ones in view (coalesced: one ask however many events). */
  const catchUp = useCallback(
    (delayMs: number) => {
      if (catchUpTimer.current !== undefined) return;
      catchUpTimer.current = setTimeout(() => {
        catchUpTimer.current = undefined;
        const { query: current, lastVisible } = latest.current;
        void refresh(current, Math.ceil((lastVisible + 1 + overscan) / pageSize) * pageSize);
      }, delayMs);
    },
    [refresh],
  );
  useEffect(
    () => () => {
      clearTimeout(catchUpTimer.current);
    },
    [],
  );

  // A new query starts from the top.
  useEffect(() => {
    scroller.current?.scrollTo({ top: 0 });
    void refresh(query, pageSize);
  }, [query, refresh]);

  // Live: changed rows patched in place, ended ones removed, added ones fetched with the loaded rows.
  useEffect(() => {
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const connect = () => {
      const stream = new EventSource('/api/v1/sessions/stream');
      source = stream;
      stream.onopen = () => {
        setLive('live');
        // What changed before this stream's first poll (or while it was down) came in no event.
        catchUp(addedPauseMs);
      };
      stream.onerror = () => {
        setLive('reconnecting');
        // The browser retries a dropped stream itself, but not one refused (401, 403): ask /me, which
        // sends the app to sign-in when the session is gone, and try again later.
        if (stream.readyState === EventSource.CLOSED) {
          void api.GET('/api/v1/me').catch(() => undefined);
          retry = setTimeout(connect, 5000);
        }
      };
      stream.addEventListener('added', () => {
        catchUp(addedPauseMs);
      });
      stream.addEventListener('changed', (event) => {
        const item = parseEvent(event.data);
        if (isSessionItem(item)) setLoaded((before) => (before === null ? before : patched(before, item)));
      });
      stream.addEventListener('ended', (event) => {
        const id = endedId(parseEvent(event.data));
        if (id === null) return;
        const before = latest.current.loaded;
        if (before !== null && removed(before, id).recount) catchUp(addedPauseMs);
        setLoaded((current) => (current === null ? current : removed(current, id).loaded));
      });
      stream.addEventListener('signed_out', () => {
        stream.close();
        sessionEnded();
      });
    };
    connect();
    const counters = setInterval(() => {
      if (document.visibilityState === 'visible') catchUp(0);
    }, countersEveryMs);
    return () => {
      source?.close();
      clearTimeout(retry);
      clearInterval(counters);
    };
  }, [catchUp]);

  const total = loaded?.total ?? 0;
  // The virtualizer's functions change with every render by design; nothing memoizes this component.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan,
  });
  const items = virtualizer.getVirtualItems();
  const lastVisible = items.at(-1)?.index ?? 0;

  // Scrolled near the end of what is loaded: the next page (or enough pages to reach the view).
  useEffect(() => {
    latest.current.lastVisible = lastVisible;
    if (loaded?.next == null || busy.current || lastVisible < loaded.rows.length - 20) return;
    const mine = generation.current;
    busy.current = true;
    fetchMore(fetchPage, query, loaded, lastVisible + overscan + 1)
      .then((next) => {
        if (mine !== generation.current) return;
        busy.current = false;
        setLoaded(next);
      })
      .catch((error: unknown) => {
        if (mine !== generation.current) return;
        busy.current = false;
        setProblem(messageOf(error));
      });
  }, [lastVisible, loaded, query]);

  const endSession = async (session: SessionItem) => {
    setEnding(null);
    scroller.current?.focus();
    try {
      const result = await api.DELETE('/api/v1/sessions/{id}', { params: { path: { id: session.id } } });
      // Already gone (404) is what was asked for.
      if (result.response.status !== 404) unwrap(result);
      setLoaded((before) => (before === null ? before : removed(before, session.id).loaded));
    } catch (error) {
      setProblem(t('endSessionFailed', { message: messageOf(error) }));
    }
  };

  const filtered = query.search.trim() !== '' || query.vpnOnly;
  const padTop = items[0]?.start ?? 0;
  const padBottom = Math.max(0, virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0));
  const span = columns.length + 1;
  return (
    <section className="monitor" aria-labelledby="page-title">
      <h1 id="page-title">{t('monitorTitle')}</h1>
      <div className="toolbar">
        <label htmlFor="monitor-search">{t('search')}</label>
        <input
          id="monitor-search"
          type="search"
          value={typed}
          placeholder={t('searchPlaceholder')}
          autoComplete="off"
          spellCheck={false}
          onChange={(event) => {
            setTyped(event.target.value);
          }}
        />
        <span className="check">
          <input
            id="monitor-vpn-only"
            type="checkbox"
            checked={query.vpnOnly}
            onChange={(event) => {
              setQuery((before) => ({ ...before, vpnOnly: event.target.checked }));
            }}
          />
          <label htmlFor="monitor-vpn-only">{t('onlyVpn')}</label>
        </span>
        <span role="status" className="count" data-testid="session-count">
          {loaded === null ? t('loading') : t('sessionsCount', { count: total })}
        </span>
        <span className={live === 'live' ? 'live on' : 'live'}>
          {live === 'live' ? t('liveOn') : live === 'connecting' ? t('liveConnecting') : t('liveOff')}
        </span>
        <span role="alert" className="problem toolbar-problem" title={problem ?? undefined}>
          {problem === null ? '' : t('error', { message: problem })}
        </span>
      </div>
      <div
        className="table-scroll"
        ref={scroller}
        role="region"
        aria-label={t('sessionsTable')}
        // Focusable, so the keyboard scrolls it.
        tabIndex={0}
      >
        <table className="grid sessions" aria-label={t('sessionsTable')} aria-rowcount={total + 1}>
          <thead>
            <tr aria-rowindex={1}>
              {columns.map((column) => {
                const sorted = column.sort !== undefined && query.sort === column.sort;
                const field = column.sort;
                return (
                  <th
                    key={column.label}
                    scope="col"
                    className={column.className}
                    aria-sort={sorted ? (query.descending ? 'descending' : 'ascending') : undefined}
                  >
                    {field === undefined ? (
                      t(column.label)
                    ) : (
                      <button
                        type="button"
                        className="sort"
                        onClick={() => {
                          setQuery((before) => sortedBy(before, field));
                        }}
                      >
                        {t(column.label)}
                        <span aria-hidden="true" className="arrow">
                          {sorted ? (query.descending ? '▼' : '▲') : ''}
                        </span>
                      </button>
                    )}
                  </th>
                );
              })}
              <th scope="col" className="c-actions">
                {t('colActions')}
              </th>
            </tr>
          </thead>
          <tbody>
            {padTop > 0 && (
              <tr aria-hidden="true" className="spacer" style={{ height: padTop }}>
                <td colSpan={span} />
              </tr>
            )}
            {items.map((virtual) => {
              const row = loaded?.rows[virtual.index];
              if (row === undefined) {
                return (
                  <tr key={`pending-${virtual.index}`} className="pending" aria-rowindex={virtual.index + 2}>
                    <td colSpan={span}>{t('loading')}</td>
                  </tr>
                );
              }
              return (
                <tr key={row.id} aria-rowindex={virtual.index + 2} data-session={row.id}>
                  <td className="c-user" title={row.account}>
                    {row.account}
                  </td>
                  <td className="c-device mono" title={row.device}>
                    {row.device}
                  </td>
                  <td className="c-address mono">{row.source_address}</td>
                  <td className="c-tunnel mono">{row.tunnel_ipv4 ?? '—'}</td>
                  <td className="c-kind">
                    <span className={row.vpn ? 'tag vpn' : 'tag'}>{kindOf(row, t)}</span>
                  </td>
                  <td className="c-method">{t(methodKeys[row.method])}</td>
                  <td className="c-node" title={`${row.node} / ${row.worker ?? t('inGrace')}`}>
                    {row.node} / {row.worker ?? <em>{t('inGrace')}</em>}
                  </td>
                  <td className="c-posture" title={row.posture?.message}>
                    {row.posture === null ? (
                      '—'
                    ) : (
                      <>
                        {row.posture.profiles.join(', ')}
                        {row.posture.limited && <span className="tag warn">{t('postureLimited')}</span>}
                      </>
                    )}
                  </td>
                  <td className="c-since">{dateTime(row.since)}</td>
                  <td className="c-traffic">
                    {row.rx_bytes === null ? '—' : bytes(row.rx_bytes)} /{' '}
                    {row.tx_bytes === null ? '—' : bytes(row.tx_bytes)}
                  </td>
                  <td className="c-actions">
                    <button
                      type="button"
                      className="danger small"
                      disabled={!canChange}
                      onClick={() => {
                        setEnding(row);
                      }}
                    >
                      {t('endSession')}
                    </button>
                  </td>
                </tr>
              );
            })}
            {padBottom > 0 && (
              <tr aria-hidden="true" className="spacer" style={{ height: padBottom }}>
                <td colSpan={span} />
              </tr>
            )}
          </tbody>
        </table>
        {loaded !== null && total === 0 && (
          <p className="empty">{filtered ? t('noMatches') : t('noSessions')}</p>
        )}
      </div>
      {ending !== null && (
        <Confirm
          title={t('endSessionTitle')}
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
