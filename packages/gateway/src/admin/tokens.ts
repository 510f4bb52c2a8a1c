// API tokens (DECISIONS 45): only the SHA-256 of the secret is kept; the secret is shown once.
import { randomUUID } from 'node:crypto';
import type { ApiToken, Role } from '@kordon/core';
import { randomSecret, sha256Hex } from '../auth/secrets.js';
import { commit, record, type Actor, type AdminDeps } from './context.js';
import { invalidField, notFound } from './errors.js';

export interface CreatedToken {
  token: ApiToken;
  /** The secret itself: shown to the caller once, never stored. */
  secret: string;
}

export class TokenAdmin {
  constructor(private readonly deps: AdminDeps) {}

  list(): Promise<ApiToken[]> {
    return this.deps.store.tokens.list();
  }

  async create(name: string, role: Role, actor: Actor): Promise<CreatedToken> {
    const trimmed = name.trim();
    if (trimmed === '' || trimmed.length > 128) {
      throw invalidField('/name', 'a token name is 1 to 128 characters that say what the token is for');
    }
    const secret = randomSecret();
    const token: ApiToken = {
      id: randomUUID(),
      name: trimmed,
      role,
      tokenHash: sha256Hex(secret),
      createdAt: this.deps.clock.now(),
    };
    await commit(this.deps, async (tx) => {
      // Names need not be unique; the secret's hash is (32 random bytes).
      await tx.tokens.create(token);
      await record(tx, this.deps, {
        kind: 'token_changed',
        account: null,
        detail: `API token "${token.name}" (${role}) created by ${actor}`,
      });
    });
    return { token, secret };
  }

  async remove(id: string, actor: Actor): Promise<void> {
    await commit(this.deps, async (tx) => {
      if (!(await tx.tokens.remove(id))) throw notFound(`no API token with id "${id}"`);
      await record(tx, this.deps, {
        kind: 'token_changed',
        account: null,
        detail: `API token ${id} revoked by ${actor}`,
      });
    });
  }
}
