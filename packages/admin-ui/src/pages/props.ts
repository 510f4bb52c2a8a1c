import type { Me } from '../api/types';

/** What every page of the signed-in console is given. */
export interface PageProps {
  /** The administrator role: a viewer sees every page and changes nothing. */
  canChange: boolean;
  /** Who is signed in (a page may not offer to remove its own administrator, say). */
  me: Me;
}
