// Schemas and reply helpers shared by the route modules.
import type { FastifyReply } from 'fastify';
import Type, { type TSchema } from 'typebox';
import { ErrorBody } from './errors.js';

export const RoleSchema = Type.Enum(['admin', 'viewer'], {
  description: 'admin: everything; viewer: read only',
});

export const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601, UTC' });

/** Lists are {"items":[...]} (DECISIONS 44), so fields can be added beside them later. */
export function ItemsOf<T extends TSchema>(item: T) {
  return Type.Object({ items: Type.Array(item) });
}

/** Every error reply of a protected route. */
export const errorReplies = { '4xx': ErrorBody } as const;

export function noContent(reply: FastifyReply): FastifyReply {
  return reply.status(204).send();
}
