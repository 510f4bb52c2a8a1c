// The sessions monitor: /api/v1/sessions (DECISIONS 44, 60).
import Type from 'typebox';
import { postureStateOf, type AccessRule, type Session } from '@kordon/core';
import { actorOf, type ApiApp, type ApiContext } from './context.js';
import { errorReplies, ItemsOf, noContent, Timestamp } from './schemas.js';

const tags = ['sessions'];

const PostureCheckItem = Type.Object({
  object: Type.String(),
  criterion: Type.String(),
  passed: Type.Boolean(),
  why: Type.String({ description: 'the result in words' }),
});

const SessionPostureItem = Type.Object(
  {
    profiles: Type.Array(Type.String(), {
      description: 'the matching posture profiles, or ["device without profile"]',
    }),
    limited: Type.Boolean({ description: 'whether the access rules limit what the session reaches' }),
    message: Type.String({ description: 'what the client is told (posture_state, DECISIONS 76)' }),
    checks: Type.Array(PostureCheckItem, { description: 'each criterion of the objects in use' }),
    checked_at: Timestamp,
    reported_at: Type.Union([Timestamp, Type.Null()], {
      description: 'when the last report came; null when the device did not answer',
    }),
    changes: Type.Integer({ description: 'how many times the profiles changed since the login' }),
  },
  { description: 'the last posture evaluation; null before the first (docs/posture.md)' },
);

const SessionItem = Type.Object({
  id: Type.String(),
  account: Type.String(),
  source_address: Type.String(),
  tunnel_ipv4: Type.Union([Type.String(), Type.Null()], { description: 'an address without prefix length' }),
  vpn: Type.Boolean({ description: 'whether the session has a tunnel' }),
  device: Type.String({
    description: 'the WireGuard public key of a tunnel session, else the source address',
  }),
  method: Type.Enum(['password', 'kerberos', 'ntlm', 'device'], { description: 'how the account logged in' }),
  since: Timestamp,
  node: Type.String(),
  worker: Type.Union([Type.String(), Type.Null()], {
    description: 'the worker process that holds its connection; null while it waits for its client to resume',
  }),
  posture: Type.Union([SessionPostureItem, Type.Null()]),
});
type SessionItem = Type.Static<typeof SessionItem>;

function postureItem(session: Session, rules: readonly AccessRule[]): SessionItem['posture'] {
  const posture = session.posture;
  if (posture === null) return null;
  const state = postureStateOf(posture, rules, posture.note);
  return {
    profiles: state.profiles,
    limited: state.limited,
    message: state.message,
    checks: state.checks,
    checked_at: posture.checkedAt.toISOString(),
    reported_at: posture.reportedAt?.toISOString() ?? null,
    changes: posture.changes,
  };
}

function sessionItem(session: Session, rules: readonly AccessRule[]): SessionItem {
  const slash = session.tunnelIpv4?.indexOf('/') ?? -1;
  return {
    id: session.id,
    account: session.account,
    source_address: session.sourceAddress,
    tunnel_ipv4: slash >= 0 ? (session.tunnelIpv4?.slice(0, slash) ?? null) : session.tunnelIpv4,
    vpn: session.vpn,
    device: session.device,
    method: session.method,
    since: session.since.toISOString(),
    node: session.node,
    worker: workerOf(session.holder),
    posture: postureItem(session, rules),
  };
}

/** A holder is "<node>/<worker>" (DECISIONS 71). */
function workerOf(holder: string | null): string | null {
  if (holder === null) return null;
  const slash = holder.lastIndexOf('/');
  return slash >= 0 ? holder.slice(slash + 1) : holder;
}

export function registerSessionListRoutes(app: ApiApp, ctx: ApiContext): void {
  const { store, admin } = ctx.deps;

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
      const rules = await store.accessRules.list();
      return { items: sessions.map((session) => sessionItem(session, rules)) };
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
      await admin.sessions.end(request.params.id, actorOf(ctx.principal(request)));
      return noContent(reply);
    },
  );
}
