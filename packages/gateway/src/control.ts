// What the management API asks of the running client endpoint. The endpoint implements it;
// the API depends only on this interface.
import type { ClientSettings } from '@kordon/core';

export interface SessionControl {
  /** Ends a session; its client, if connected, is closed with 4002 (DECISIONS 6, 44). False when unknown. */
  endSessionByAdmin(sessionId: string): Promise<boolean>;
  /**
   * Applies changed settings to live connections: `enabled` turned off closes every client with 4004;
   * a changed `local_tunnel` ends every local session made through the client, closed with 4005.
   */
  settingsChanged(before: ClientSettings, after: ClientSettings): Promise<void>;
  /** The account was removed or disabled: its sessions end at once (closed with 4002). */
  accountRevoked(account: string): Promise<number>;
}
