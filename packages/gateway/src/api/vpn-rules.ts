// VPN-access rules: /api/v1/vpn-rules (DECISIONS 17). Evaluated in order of position, the first match
// wins, no match denies external access; a change re-checks external sessions (DECISIONS 67).
import Type from 'typebox';
import { evaluationOrderKey, type ListSpec, type VpnRule } from '@kordon/core';
import { positionStep } from '../admin/vpn-rules.js';
import { actorOf, type ApiApp, type ApiContext } from './context.js';
import { page, PageOf, PageQuerystring } from './paging.js';
import { errorReplies, noContent, Timestamp } from './schemas.js';

const tags = ['vpn-rules'];

const maxPosition = 999_999_999;
const maxNames = 1000;

const Action = Type.Enum(['allow', 'deny'], { description: 'what a matching rule does' });

const VpnRuleItem = Type.Object({
  id: Type.String(),
  position: Type.Integer({ description: 'order of evaluation, ascending' }),
  action: Action,
  users: Type.Array(Type.String(), { description: 'local user names; "*" matches every user' }),
  groups: Type.Array(Type.String(), { description: 'local group names' }),
  created_at: Timestamp,
});
type VpnRuleItem = Type.Static<typeof VpnRuleItem>;

const vpnRuleList: ListSpec<VpnRuleItem> = {
  id: (item) => item.id,
  searchText: (item) => [...item.users, ...item.groups],
  sortKeys: { position: (item) => evaluationOrderKey(item.position, item.created_at) },
  defaultSort: 'position',
};

const CreateBody = Type.Object(
  {
    action: Action,
    users: Type.Optional(
      Type.Array(Type.String(), {
        maxItems: maxNames,
        description: 'local user names in any accepted spelling, or "*" for every user',
      }),
    ),
    groups: Type.Optional(
      Type.Array(Type.String(), {
        maxItems: maxNames,
        description: 'local group names; a group may be named before it exists',
      }),
    ),
    position: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: maxPosition,
        description: `order of evaluation; default: ${positionStep} after the last rule`,
      }),
    ),
  },
  { additionalProperties: false },
);

const PatchBody = Type.Object(
  {
    position: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: maxPosition,
        description: 'order of evaluation; rules at one position are evaluated in the order they were made',
      }),
    ),
    action: Type.Optional(Action),
    users: CreateBody.properties.users,
    groups: CreateBody.properties.groups,
  },
  {
    additionalProperties: false,
    description: 'any of the four fields (at least one): what is given replaces what the rule has',
  },
);

function ruleItem(rule: VpnRule): VpnRuleItem {
  return {
    id: rule.id,
    position: rule.position,
    action: rule.action,
    users: rule.users,
    groups: rule.groups,
    created_at: rule.createdAt.toISOString(),
  };
}

export function registerVpnRuleRoutes(app: ApiApp, ctx: ApiContext): void {
  const { vpnRules } = ctx.deps.admin;
  const actor = (request: Parameters<typeof ctx.principal>[0]): string => actorOf(ctx.principal(request));

  app.get(
    '/api/v1/vpn-rules',
    {
      schema: {
        summary: 'List VPN-access rules in evaluation order (first match wins; no match denies)',
        description: 'search: users and groups; sort: position',
        tags,
        querystring: PageQuerystring,
        response: { 200: PageOf(VpnRuleItem), ...errorReplies },
      },
    },
    async (request) =>
      page((await vpnRules.list()).map(ruleItem), request.query, vpnRuleList, (item) => item),
  );

  app.post(
    '/api/v1/vpn-rules',
    {
      schema: {
        summary: 'Add a VPN-access rule (it names at least one user or group)',
        tags,
        body: CreateBody,
        response: { 201: VpnRuleItem, ...errorReplies },
      },
    },
    async (request, reply) => {
      const { body } = request;
      const rule = await vpnRules.create(
        {
          action: body.action,
          users: body.users ?? [],
          groups: body.groups ?? [],
          ...(body.position === undefined ? {} : { position: body.position }),
        },
        actor(request),
      );
      return reply.status(201).send(ruleItem(rule));
    },
  );

  app.patch(
    '/api/v1/vpn-rules/:id',
    {
      schema: {
        summary: 'Change a VPN-access rule: the fields given change, the others stay',
        tags,
        params: Type.Object({ id: Type.String() }, { additionalProperties: false }),
        body: PatchBody,
        response: { 200: VpnRuleItem, ...errorReplies },
      },
    },
    async (request) => ruleItem(await vpnRules.patch(request.params.id, request.body, actor(request))),
  );

  app.delete(
    '/api/v1/vpn-rules/:id',
    {
      schema: {
        summary: 'Remove a VPN-access rule',
        tags,
        params: Type.Object({ id: Type.String() }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...errorReplies },
      },
    },
    async (request, reply) => {
      await vpnRules.remove(request.params.id, actor(request));
      return noContent(reply);
    },
  );
}
