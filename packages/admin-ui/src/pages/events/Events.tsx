// The event log (GET /api/v1/events, DECISIONS 23): filtered on the gateway, paged with "more", the
// filters kept in the page's URL so a link to a filtered log can be shared and survives a reload, and
// an export of everything they match. Reading the log changes nothing: a viewer sees the same page.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiFailure, api, unwrap } from '../../api/client';
import { ShowMore } from '../../components/ListParts';
import { usePagedList, useSettled } from '../../components/usePagedList';
import { useI18n } from '../../i18n';
import type { PageProps } from '../props';
import type { EventItem } from './api';
import { EventFiltersForm, type FieldError } from './EventFilters';
import { EventTable } from './EventTable';
import { ExportBar } from './ExportBar';
import {
  apiFilters,
  filterFieldOf,
  filtersFromSearch,
  hasFilters,
  noFilters,
  searchOfFilters,
  type EventFilters,
} from './model';
import './events.css';

const pageSize = 100;

export function Events(_props: PageProps) {
  const { t } = useI18n();
  const [filters, setFilters] = useState<EventFilters>(() => filtersFromSearch(location.search));
  const [typed, setTyped] = useState({ account: filters.account, search: filters.search });
  const settled = useSettled(typed);
  const applied = useMemo<EventFilters>(
    () => ({ ...filters, account: settled.account, search: settled.search }),
    [filters, settled],
  );
  const key = JSON.stringify(apiFilters(applied));

  // The URL says what is shown (replaced, not pushed: the back button leaves the page).
  useEffect(() => {
    const url = `${location.pathname}${searchOfFilters(applied)}`;
    if (url !== `${location.pathname}${location.search}`) history.replaceState(history.state, '', url);
  }, [applied]);

  // The list hook keeps an error's words only: the field it names is kept here, for the query it was.
  const [failure, setFailure] = useState<(FieldError & { key: string }) | null>(null);
  const fetchPage = useCallback(
    async (cursor: string | null) => {
      const query = { ...apiFilters(applied), limit: String(pageSize) };
      try {
        return unwrap(
          await api.GET('/api/v1/events', {
            params: { query: cursor === null ? query : { ...query, cursor } },
          }),
        );
      } catch (error) {
        const field = error instanceof ApiFailure ? filterFieldOf(error.field) : null;
        if (field !== null) setFailure({ key, field, message: (error as ApiFailure).message });
        throw error;
      }
    },
    [applied, key],
  );
  const list = usePagedList<EventItem>(fetchPage, key);
  const fieldError = list.problem !== null && failure?.key === key ? failure : null;

  const countText = () => {
    if (list.loading) return t('loading');
    if (list.problem !== null) return '';
    return list.more === null
      ? t('eventsCount', { count: list.total })
      : t('eventsShown', { shown: list.items.length, count: list.total });
  };

  const clear = () => {
    setFilters(noFilters);
    setTyped({ account: '', search: '' });
  };

  return (
    <section className="events" aria-labelledby="page-title">
      <h1 id="page-title">{t('navEvents')}</h1>
      <p className="muted">{t('eventsWhat')}</p>
      <EventFiltersForm
        filters={filters}
        typed={typed}
        onType={setTyped}
        onChange={setFilters}
        onClear={clear}
        error={fieldError}
      />
      <ExportBar filters={applied} />
      <div className="toolbar">
        <span role="status" className="count" data-testid="events-count">
          {countText()}
        </span>
        {list.problem !== null && fieldError === null && (
          <span role="alert" className="problem">
            {t('error', { message: list.problem })}
          </span>
        )}
      </div>
      {/* Rows of an earlier query are not what a refused filter asked for. */}
      <EventTable items={fieldError === null ? list.items : []} />
      {!list.loading && list.problem === null && list.total === 0 && (
        <p className="empty">{hasFilters(applied) ? t('eventsNoMatches') : t('eventsNone')}</p>
      )}
      <ShowMore more={list.more} label={t('eventsMore')} />
    </section>
  );
}
