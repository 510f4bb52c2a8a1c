// A page's data, asked of the gateway when the page opens and again after a change: loading, failed
// (with the words why), or ready. A reply to an older request than the last is dropped, so a slow
// answer never replaces a newer one.
import { useCallback, useEffect, useRef, useState } from 'react';
import { messageOf } from '../api/client';

export type Loaded<T> = { kind: 'loading' } | { kind: 'failed'; text: string } | { kind: 'ready'; data: T };

export interface Loading<T> {
  loaded: Loaded<T>;
  /** Asks again, what is shown staying until the answer comes: the data, or null when it failed. */
  reload: () => Promise<T | null>;
  /** After a failure: "Loading…" again, and ask. */
  retry: () => void;
  /** Shows data a change answered with, without asking again. */
  show: (data: T) => void;
}

export function useLoaded<T>(fetch: () => Promise<T>): Loading<T> {
  const [loaded, setLoaded] = useState<Loaded<T>>({ kind: 'loading' });
  const fetcher = useRef(fetch);
  useEffect(() => {
    fetcher.current = fetch;
  });
  const asked = useRef(0);

  const reload = useCallback((): Promise<T | null> => {
    const request = ++asked.current;
    return fetcher.current().then(
      (data) => {
        if (request === asked.current) setLoaded({ kind: 'ready', data });
        return data;
      },
      (error: unknown) => {
        if (request === asked.current) setLoaded({ kind: 'failed', text: messageOf(error) });
        return null;
      },
    );
  }, []);

  useEffect(() => {
    void reload();
  }, [reload]);

  const retry = useCallback(() => {
    setLoaded({ kind: 'loading' });
    void reload();
  }, [reload]);

  const show = useCallback((data: T) => {
    asked.current++;
    setLoaded({ kind: 'ready', data });
  }, []);

  return { loaded, reload, retry, show };
}
