import type { ReactNode } from 'react';
import { hrefOf, navigate, type PageName } from '../router';

/** A link to a page of the console: a real href (open in a new tab works), followed without a reload. */
export function Link({ page, current, children }: { page: PageName; current: boolean; children: ReactNode }) {
  return (
    <a
      href={hrefOf(page)}
      aria-current={current ? 'page' : undefined}
      onClick={(event) => {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        navigate(page);
      }}
    >
      {children}
    </a>
  );
}
