// The sessions monitor: /api/v1/sessions (DECISIONS 44, 60).
import Type from 'typebox';
import type { Session } from '@kordon/core';
import type { ApiApp, ApiContext } from './context.js';
import { notFound } from './errors.js';
import { errorReplies, ItemsOf, noContent, Timestamp } from './schemas.js';

const tags = ['sessions'];

const SessionItem = Type.Object({
  id: Type.String(),
  account: Type.String(),
  source_address: Type.String(),
  tunnel_ipv4: Type.Union([Type.String(), Type.Null()], { description: 'an address without prefix length' }),
  vpn: Type.Boolean({ description: 'whether the session has a tunnel' }),
  device: Type.String({
    description: 'the WireGuard public key of a tunnel session, else the source address',
  }),
  since: Timestamp,
  node: Type.String(),
});
type SessionItem = Type.Static<typeof SessionItem>;

function sessionItem(session: Session): SessionItem {
  const slash = session.tunnelIpv4?.indexOf('/') ?? -1;
  return {
    id: session.id,
    account: session.account,
    source_address: session.sourceAddress,
    tunnel_ipv4: slash >= 0 ? (session.tunnelIpv4?.slice(0, slash) ?? null) : session.tunnelIpv4,
    vpn: session.vpn,
    device: session.device,
    since: session.since.toISOString(),
    node: session.node,
  };
}

export function registerSessionListRoutes(app: ApiApp, ctx: ApiContext): void {
  const { store, control } = ctx.deps;

  app.get(
    '/api/v1/sessions',
    {
      schema: {
        summary: 'List live sessions (pending tunnel sessions are left out)',
        tags,
        querystring: Type.Object(
          {
            vpn_only: Type.Optional(
              Type.Enum(['true', 'false'], { description: 'true: only sessions with a tunnel' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: ItemsOf(SessionItem), ...errorReplies },
      },
    },
    async (request) => {
      const vpnOnly = request.query.vpn_only === 'true';
      const sessions = (await store.sessions.list())
        .filter((session) => session.state !== 'pending' && (!vpnOnly || session.vpn))
        .sort((a, b) => a.since.getTime() - b.since.getTime());
      return { items: sessions.map(sessionItem) };
    },
  );

  app.delete(
    '/api/v1/sessions/:id',
    {
      schema: {
        summary: 'End a session (its client is closed with 4002)',
        tags,
        params: Type.Object({ id: Type.String() }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...errorReplies },
      },
    },
    async (request, reply) => {
      if (!(await control.endSessionByAdmin(request.params.id))) {
        throw notFound(`no session with id "${request.params.id}"`);
      }
      return noContent(reply);
    },
  );
}
