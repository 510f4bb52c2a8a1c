// Client-side routes under /admin/ (the gateway answers index.html for each): the History API, no
// library. /admin/ itself is the monitor.
import { useEffect, useState } from 'react';

const pages = [
  'monitor',
  'settings',
  'users',
  'directory',
  'vpn-rules',
  'posture',
  'exemptions',
  'installers',
  'tokens',
  'events',
] as const;
export type PageName = (typeof pages)[number];
export type Route = PageName | 'not-found';

const base = '/admin/';

export function routeOf(pathname: string): Route {
  if (!pathname.startsWith(base) && `${pathname}/` !== base) return 'not-found';
  const path = pathname.slice(base.length).replace(/\/+$/, '');
  if (path === '') return 'monitor';
  return (pages as readonly string[]).includes(path) ? (path as PageName) : 'not-found';
}

export function hrefOf(page: PageName): string {
  return `${base}${page}`;
}

const changed = 'kordon:navigate';

export function navigate(page: PageName): void {
  if (location.pathname !== hrefOf(page)) history.pushState(null, '', hrefOf(page));
  dispatchEvent(new Event(changed));
}

export function useRoute(): Route {
  const [route, setRoute] = useState<Route>(() => routeOf(location.pathname));
  useEffect(() => {
    const update = () => {
      setRoute(routeOf(location.pathname));
    };
    addEventListener('popstate', update);
    addEventListener(changed, update);
    return () => {
      removeEventListener('popstate', update);
      removeEventListener(changed, update);
    };
  }, []);
  return route;
}
