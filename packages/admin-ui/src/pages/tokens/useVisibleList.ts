// A paged list (usePagedList) that tells a refusal for the role (403 forbidden) from other failures:
// the page then says the viewer role cannot see it, instead of showing an error.
import { useCallback, useState } from 'react';
import { ApiFailure } from '../../api/client';
import { usePagedList, type PagedList, type PageReply } from '../../components/usePagedList';

export function useVisibleList<T>(
  fetchPage: (cursor: string | null) => Promise<PageReply<T>>,
): PagedList<T> & { forbidden: boolean } {
  const [forbidden, setForbidden] = useState(false);
  const guarded = useCallback(
    async (cursor: string | null): Promise<PageReply<T>> => {
      try {
        const reply = await fetchPage(cursor);
        setForbidden(false);
        return reply;
      } catch (error) {
        if (error instanceof ApiFailure && error.status === 403 && error.code === 'forbidden') {
          setForbidden(true);
          return { items: [], total: 0, next_cursor: null };
        }
        throw error;
      }
    },
    [fetchPage],
  );
  return { ...usePagedList(guarded, 'all'), forbidden };
}
