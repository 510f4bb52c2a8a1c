// Resume tickets (DECISIONS 4): opaque to the client, signed by the gateway, bound to one session,
// single-use. The ticket carries a random nonce; the store keeps only the nonce's hash, so a used
// or stolen-then-rotated ticket is dead, and an ended session's ticket finds no session.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { sha256Hex } from '../auth/secrets.js';

export interface IssuedTicket {
  ticket: string;
  nonceHash: string;
}

export interface OpenedTicket {
  sessionId: string;
  nonceHash: string;
  /** The nonce itself, from which the rotated ticket is derived (DECISIONS 79). */
  nonce: string;
}

export class ResumeTickets {
  constructor(private readonly key: Buffer) {}

  issue(sessionId: string): IssuedTicket {
    return this.withNonce(sessionId, randomBytes(24).toString('base64url'));
  }

  /**
   * The ticket that replaces `opened` at a resume. Derived, not random: a retry with the replaced
   * ticket (its reply was lost) gets the very ticket already issued, without the store keeping tickets
   * (DECISIONS 79). Only the gateway's key can derive it.
   */
  rotate(opened: OpenedTicket): IssuedTicket {
    const nonce = createHmac('sha256', this.key)
      .update(`rotate.${opened.nonce}`)
      .digest()
      .subarray(0, 24)
      .toString('base64url');
    return this.withNonce(opened.sessionId, nonce);
  }

  private withNonce(sessionId: string, nonce: string): IssuedTicket {
    const body = `${Buffer.from(sessionId, 'utf8').toString('base64url')}.${nonce}`;
    return { ticket: `${body}.${this.mac(body)}`, nonceHash: sha256Hex(nonce) };
  }

  /** The session and nonce hash a ticket claims, when its signature is ours; else undefined. */
  open(ticket: string): OpenedTicket | undefined {
    const parts = ticket.split('.');
    if (parts.length !== 3) return undefined;
    const [id, nonce, mac] = parts as [string, string, string];
    const want = Buffer.from(this.mac(`${id}.${nonce}`), 'base64url');
    const got = Buffer.from(mac, 'base64url');
    if (got.length !== want.length || !timingSafeEqual(got, want)) return undefined;
    return { sessionId: Buffer.from(id, 'base64url').toString('utf8'), nonceHash: sha256Hex(nonce), nonce };
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
