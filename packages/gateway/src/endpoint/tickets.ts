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
}

export class ResumeTickets {
  constructor(private readonly key: Buffer) {}

  issue(sessionId: string): IssuedTicket {
    const nonce = randomBytes(24).toString('base64url');
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
    return { sessionId: Buffer.from(id, 'base64url').toString('utf8'), nonceHash: sha256Hex(nonce) };
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
