// The sessions monitor: /api/v1/sessions (DECISIONS 44, 60).
import Type from 'typebox';
import { isLocalAddress, postureStateOf, type AccessRule, type ListSpec, type Session } from '@kordon/core';
import { actorOf, type ApiApp, type ApiContext, type PeerTraffic, type Principal } from './context.js';
import { page, PageOf, PageQuery } from './paging.js';
import { errorReplies, noContent, Timestamp } from './schemas.js';
import { SessionStream, type SessionSnapshot } from './session-stream.js';

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
  local: Type.Boolean({
    description: 'whether its source address lies in the local networks (--local-networks)',
  }),
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
  rx_bytes: Type.Union([Type.Integer(), Type.Null()], {
    description:
      "bytes the gateway received from the client through its tunnel (WireGuard's counter); null without a tunnel on this node",
  }),
  tx_bytes: Type.Union([Type.Integer(), Type.Null()], {
    description: 'bytes the gateway sent the client through its tunnel; null without a tunnel on this node',
  }),
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

/** What every item of one listing is judged against, read once per listing. */
interface ItemContext {
  rules: readonly AccessRule[];
  traffic: ReadonlyMap<string, PeerTraffic>;
  isLocal: (address: string) => boolean;
}

function sessionItem(session: Session, context: ItemContext): SessionItem {
  const slash = session.tunnelIpv4?.indexOf('/') ?? -1;
  const traffic = session.vpn ? context.traffic.get(session.device) : undefined;
  return {
    id: session.id,
    account: session.account,
    source_address: session.sourceAddress,
    tunnel_ipv4: slash >= 0 ? (session.tunnelIpv4?.slice(0, slash) ?? null) : session.tunnelIpv4,
    vpn: session.vpn,
    local: context.isLocal(session.sourceAddress),
    device: session.device,
    method: session.method,
    since: session.since.toISOString(),
    node: session.node,
    worker: workerOf(session.holder),
    posture: postureItem(session, context.rules),
    rx_bytes: traffic?.rxBytes ?? null,
    tx_bytes: traffic?.txBytes ?? null,
  };
}

/** IPv4 addresses sort by number (10.0.0.9 before 10.0.0.10); others as text. */
function addressKey(address: string | null): string | null {
  if (address === null) return null;
  const octets = address.split('.');
  return octets.length === 4 ? octets.map((octet) => octet.padStart(3, '0')).join('.') : address;
}

const sessionList: ListSpec<SessionItem> = {
  id: (item) => item.id,
  searchText: (item) => [item.account, item.source_address, item.tunnel_ipv4, item.device],
  sortKeys: {
    since: (item) => item.since,
    account: (item) => item.account,
    source_address: (item) => addressKey(item.source_address),
    tunnel_ipv4: (item) => addressKey(item.tunnel_ipv4),
    method: (item) => item.method,
    node: (item) => `${item.node}/${item.worker ?? ''}`,
    rx_bytes: (item) => item.rx_bytes,
    tx_bytes: (item) => item.tx_bytes,
  },
  defaultSort: 'since',
};

/** The item without its byte counters: what makes a session "changed" for the stream. */
function fingerprintOf(item: SessionItem): string {
  const { rx_bytes: _rx, tx_bytes: _tx, ...rest } = item;
  return JSON.stringify(rest);
}

/** A holder is "<node>/<worker>" (DECISIONS 71). */
function workerOf(holder: string | null): string | null {
  if (holder === null) return null;
  const slash = holder.lastIndexOf('/');
  return slash >= 0 ? holder.slice(slash + 1) : holder;
}

/** WireGuard's counters are read at most this often, however many listings ask. */
const trafficMaxAgeMs = 2000;

export function registerSessionListRoutes(app: ApiApp, ctx: ApiContext): void {
  const { store, admin, clock } = ctx.deps;
  const localNetworks = ctx.deps.localNetworks ?? [];
  const isLocal = (address: string): boolean => isLocalAddress(address, localNetworks);
  let trafficCache: { at: number; value: Promise<ReadonlyMap<string, PeerTraffic>> } | undefined;

  const traffic = (): Promise<ReadonlyMap<string, PeerTraffic>> => {
    const read = ctx.deps.tunnelTraffic;
    if (read === undefined) return Promise.resolve(new Map());
    const now = clock.monotonicMs();
    if (trafficCache === undefined || now - trafficCache.at > trafficMaxAgeMs) {
      // A driver that cannot answer leaves the counters unknown; the list itself still answers.
      trafficCache = { at: now, value: read().catch(() => new Map()) };
    }
    return trafficCache.value;
  };

  /** The live sessions (pending tunnel sessions left out, DECISIONS 60), oldest first, as items. */
  const liveItems = async (): Promise<SessionItem[]> => {
    const [sessions, rules, counters] = await Promise.all([
      store.sessions.list(),
      store.accessRules.list(),
      traffic(),
    ]);
    const context: ItemContext = { rules, traffic: counters, isLocal };
    return sessions
      .filter((session) => session.state !== 'pending')
      .sort((a, b) => a.since.getTime() - b.since.getTime())
      .map((session) => sessionItem(session, context));
  };

  const stream = new SessionStream({
    snapshot: async (): Promise<SessionSnapshot> =>
      new Map((await liveItems()).map((item) => [item.id, { item, fingerprint: fingerprintOf(item) }])),
    logger: ctx.deps.logger,
    ...(ctx.deps.sessionStreamPollMs === undefined ? {} : { pollMs: ctx.deps.sessionStreamPollMs }),
  });
  app.addHook('onClose', () => {
    stream.close();
    return Promise.resolve();
  });

  app.get(
    '/api/v1/sessions',
    {
      schema: {
        summary: 'List live sessions (pending tunnel sessions are left out)',
        description:
          'search: account, source address, tunnel address, device; sort: since (default), account, ' +
          'source_address, tunnel_ipv4, method, node, rx_bytes, tx_bytes',
        tags,
        querystring: Type.Object(
          {
            ...PageQuery,
            vpn_only: Type.Optional(
              Type.Enum(['true', 'false'], { description: 'true: only sessions with a tunnel' }),
            ),
            local: Type.Optional(
              Type.Enum(['true', 'false'], {
                description: 'true: only sessions from the local networks; false: only the others',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: PageOf(SessionItem), ...errorReplies },
      },
    },
    async (request) => {
      const { vpn_only: vpnOnly, local } = request.query;
      const items = (await liveItems()).filter(
        (item) =>
          (vpnOnly !== 'true' || item.vpn) && (local === undefined || item.local === (local === 'true')),
      );
      return page(items, request.query, sessionList, (item) => item, JSON.stringify([vpnOnly, local]));
    },
  );

  app.get(
    '/api/v1/sessions/stream',
    {
      schema: {
        summary: 'Live session changes as server-sent events',
        description:
          'text/event-stream: "added" and "changed" carry a session item (as GET /api/v1/sessions lists it; ' +
          'byte counters alone do not make a change), "ended" carries {"id"}; "signed_out" comes before the ' +
          'stream ends because the console session ended. Checked about once a second.',
        tags,
        response: { 200: Type.String({ description: 'the event stream' }), ...errorReplies },
      },
    },
    (request, reply) => {
      const principal = ctx.principal(request);
      void reply.hijack();
      stream.listen(reply.raw, () => stillSignedIn(ctx, principal));
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

/** Whether the caller of a long-lived request may still make it: its console session or token is alive. */
async function stillSignedIn(ctx: ApiContext, principal: Principal): Promise<boolean> {
  const { store, clock } = ctx.deps;
  if (principal.kind === 'token') {
    return (await store.tokens.list()).some((token) => token.id === principal.tokenId);
  }
  const session = await store.adminSessions.get(principal.sessionId);
  return session !== undefined && session.expiresAt.getTime() > clock.now().getTime();
}
