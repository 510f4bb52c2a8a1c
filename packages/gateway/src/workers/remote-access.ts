// A worker's access gate: grants and revocations go to the owner, which holds the WireGuard interface
// and the nftables table and applies them in batches (DECISIONS 71).
import type { Session } from '@kordon/core';
import type { AccessGate } from '../access.js';
import type { WorkerMessage } from './messages.js';

export class RemoteAccess implements AccessGate {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();

  constructor(private readonly send: (message: WorkerMessage) => void) {}

  grant(session: Session): Promise<void> {
    return this.ask('grant', session);
  }

  revoke(session: Session): Promise<void> {
    return this.ask('revoke', session);
  }

  /** The owner's answer to one request. */
  settled(id: number, error: string | null): void {
    const waiter = this.waiting.get(id);
    this.waiting.delete(id);
    if (!waiter) return;
    if (error === null) waiter.resolve();
    else waiter.reject(new Error(error));
  }

  private ask(action: 'grant' | 'revoke', session: Session): Promise<void> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.send({ type: 'access', id, action, session });
    });
  }
}
