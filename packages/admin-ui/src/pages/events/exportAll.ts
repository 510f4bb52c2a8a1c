// Everything the filters match, not only what is loaded: the API paged with limit=1000 until
// next_cursor is null, the count told as it goes, stopped by an AbortSignal (unit-tested).
import type { EventItem, EventPage } from './api';

export const exportPageSize = 1000;

/** One page of the export's query from `cursor` (null: the first). */
export type FetchEventPage = (cursor: string | null, signal: AbortSignal) => Promise<EventPage>;

export interface ExportProgress {
  done: number;
  /** What the last page said matches (it may grow while the log is read). */
  total: number;
}

/**
 * Each page's items turned into text by `line` (so the items themselves need not all stay in memory);
 * the parts of the file, to make a Blob of, and how many items they hold. Throws the signal's reason
 * when it is aborted.
 */
export async function exportAll(
  fetchPage: FetchEventPage,
  line: (item: EventItem) => string,
  onProgress: (progress: ExportProgress) => void,
  signal: AbortSignal,
): Promise<{ parts: string[]; count: number }> {
  const parts: string[] = [];
  let cursor: string | null = null;
  let done = 0;
  for (;;) {
    signal.throwIfAborted();
    const page: EventPage = await fetchPage(cursor, signal);
    signal.throwIfAborted();
    parts.push(page.items.map(line).join(''));
    done += page.items.length;
    onProgress({ done, total: Math.max(page.total, done) });
    if (page.next_cursor === null || page.items.length === 0) return { parts, count: done };
    cursor = page.next_cursor;
  }
}
