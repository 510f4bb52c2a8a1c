// The three lists the page's sections read one another's names from (objects in profiles' expressions,
// profiles in access rules), loaded together and again after any change: a renamed object shows in
// every expression at once.
import { useCallback } from 'react';
import { api, unwrap } from '../../api/client';
import { useLoaded, type Loaded } from '../../components/useLoaded';
import { allPages, type AccessRule, type PostureObject, type PostureProfile } from './model';

interface PostureData {
  objects: PostureObject[];
  profiles: PostureProfile[];
  rules: AccessRule[];
}

const page = (cursor: string | null) => ({ limit: '1000', ...(cursor === null ? {} : { cursor }) });

async function load(): Promise<PostureData> {
  const [objects, profiles, rules] = await Promise.all([
    allPages(async (cursor) =>
      unwrap(await api.GET('/api/v1/posture/objects', { params: { query: page(cursor) } })),
    ),
    allPages(async (cursor) =>
      unwrap(await api.GET('/api/v1/posture/profiles', { params: { query: page(cursor) } })),
    ),
    allPages(async (cursor) =>
      unwrap(await api.GET('/api/v1/access-rules', { params: { query: page(cursor) } })),
    ),
  ]);
  return { objects, profiles, rules };
}

/** The lists, and `reload` after a change (what is shown stays until the new lists come). */
export function usePostureData(): { loaded: Loaded<PostureData>; reload: () => void } {
  const { loaded, reload } = useLoaded(load);
  const again = useCallback(() => {
    void reload();
  }, [reload]);
  return { loaded, reload: again };
}
