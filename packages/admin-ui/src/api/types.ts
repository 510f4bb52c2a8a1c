// Shapes the console reads, taken from the generated OpenAPI types (never written by hand).
import type { paths } from './schema';

/** The JSON body of an operation's 200 reply. */
export type Json200<T> = T extends { responses: { 200: { content: { 'application/json': infer R } } } }
  ? R
  : never;

export type Me = Json200<paths['/api/v1/me']['get']>;
export type SessionPage = Json200<paths['/api/v1/sessions']['get']>;
export type SessionItem = SessionPage['items'][number];
export type SessionQuery = NonNullable<paths['/api/v1/sessions']['get']['parameters']['query']>;
export type ClientSettings = Json200<paths['/agent_backend/wireguard/setting']['get']>;
