// A list the gateway pages (DECISIONS 44: {"items","total","next_cursor"}), loaded a page at a time:
// the first page whenever the query changes, the next on "more", and all of it again on reload.
// A reply to a query that has changed meanwhile is dropped, so a slow page never overwrites a newer one.
import { useCallback, useEffect, useRef, useState } from 'react';
import { messageOf } from '../api/client';

export interface PageReply<T> {
  items: T[];
  total: number;
  next_cursor: string | null;
}

export interface PagedList<T> {
  items: T[];
  total: number;
  /** True until the first page of the current query has come. */
  loading: boolean;
  problem: string | null;
  /** Loads the next page, or null when every item is loaded. */
  more: (() => void) | null;
  /** Loads the first page again (after a change). */
  reload: () => void;
}

/**
 * `fetchPage(cursor)` asks one page of the current query; `key` names that query (its search, sort
 * and filters), and a new key starts again from the first page.
 */
export function usePagedList<T>(
  fetchPage: (cursor: string | null) => Promise<PageReply<T>>,
  key: string,
): PagedList<T> {
  const [generation, setGeneration] = useState(0);
  const asked = `${generation}:${key}`;
  const [state, setState] = useState<{ for: string | null; items: T[]; total: number; next: string | null }>({
    for: null,
    items: [],
    total: 0,
    next: null,
  });
  const [problem, setProblem] = useState<{ for: string; message: string } | null>(null);
  const fetcher = useRef(fetchPage);
  useEffect(() => {
    fetcher.current = fetchPage;
  });
  // The query whose pages are wanted now; a reply for an older one is dropped.
  const current = useRef(asked);

  useEffect(() => {
    current.current = asked;
    fetcher
      .current(null)
      .then((reply) => {
        if (asked !== current.current) return;
        setState({ for: asked, items: reply.items, total: reply.total, next: reply.next_cursor });
        setProblem(null);
      })
      .catch((error: unknown) => {
        if (asked === current.current) setProblem({ for: asked, message: messageOf(error) });
      });
  }, [asked]);

  const { next } = state;
  const more = useCallback(() => {
    if (next === null) return;
    const ask = current.current;
    fetcher
      .current(next)
      .then((reply) => {
        if (ask !== current.current) return;
        setState((before) =>
          before.next === next
            ? {
                ...before,
                items: [...before.items, ...reply.items],
                total: reply.total,
                next: reply.next_cursor,
              }
            : before,
        );
      })
      .catch((error: unknown) => {
        if (ask === current.current) setProblem({ for: ask, message: messageOf(error) });
      });
  }, [next]);

  const reload = useCallback(() => {
    setGeneration((value) => value + 1);
  }, []);

  return {
    items: state.items,
    total: state.total,
    // The items shown stay those of the last query until its successor's first page comes.
    loading: state.for !== asked && problem?.for !== asked,
    problem: problem?.message ?? null,
    more: next === null ? null : more,
    reload,
  };
}

/** The value once it has stopped changing for `ms` (a search box asks the gateway after a pause). */
export function useSettled<T>(value: T, ms = 250): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => {
      setSettled(value);
    }, ms);
    return () => {
      clearTimeout(timer);
    };
  }, [value, ms]);
  return settled;
}
