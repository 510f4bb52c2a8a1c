// Ending a client session by an administrator (close 4002): a change record, so whichever process
// holds the session's connection ends it (DECISIONS 44, 67).
import { commit, record, type Actor, type AdminDeps } from './context.js';
import { notFound } from './errors.js';

export class SessionAdmin {
  constructor(private readonly deps: AdminDeps) {}

  async end(sessionId: string, actor: Actor): Promise<void> {
    await commit(this.deps, async (tx) => {
      const session = await tx.sessions.get(sessionId);
      if (!session) throw notFound(`no session with id "${sessionId}"`);
      await record(tx, this.deps, {
        kind: 'session_ended',
        account: session.account,
        detail: `session ${sessionId} ended by ${actor}`,
        change: { kind: 'session_ended', sessionId },
      });
    });
  }
}
