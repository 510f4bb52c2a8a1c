// Client-side routes under /admin/ (the gateway answers index.html for each): the History API, no library.
import { useEffect, useState } from 'react';

const pages = ['monitor', 'settings', 'users', 'vpn-rules', 'installers', 'tokens', 'events'] as const;
export type PageName = (typeof pages)[number];

const base = '/admin/';

function current(): PageName {
  const path = location.pathname.startsWith(base) ? location.pathname.slice(base.length) : '';
  return (pages as readonly string[]).includes(path) ? (path as PageName) : 'monitor';
}

export function navigate(page: PageName): void {
  history.pushState(null, '', `${base}${page}`);
  dispatchEvent(new PopStateEvent('popstate'));
}

export function usePage(): PageName {
  const [page, setPage] = useState<PageName>(current);
  useEffect(() => {
    const update = () => {
      setPage(current());
    };
    addEventListener('popstate', update);
    return () => {
      removeEventListener('popstate', update);
    };
  }, []);
  return page;
}
