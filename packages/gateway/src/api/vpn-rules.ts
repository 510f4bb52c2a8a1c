// VPN-access rules: /api/v1/vpn-rules (DECISIONS 17). Evaluated in order of position, the first match
// wins, no match denies external access. Rules are read at each login, so a change needs nothing else.
import { randomUUID } from 'node:crypto';
import Type from 'typebox';
import { normalizeLocalLogin, StoreConflictError, validateLocalUserName, type VpnRule } from '@kordon/core';
import { actorOf, recordChange, type ApiApp, type ApiContext } from './context.js';
import { ApiError, invalidField, notFound } from './errors.js';
import { errorReplies, ItemsOf, noContent, Timestamp } from './schemas.js';

const tags = ['vpn-rules'];

/** Room between rules made without a position, so one can be put between them later. */
const positionStep = 10;
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

/** Normalized user names ("*" kept), without repeats; a name that cannot be a local user is a 400. */
function checkUsers(users: readonly string[]): string[] {
  const names = users.map((user, index) => {
    if (user === '*') return user;
    const normalized = normalizeLocalLogin(user);
    const checked = validateLocalUserName(normalized ?? user);
    if (!checked.ok) throw invalidField(`/users/${index}`, checked.message);
    return checked.name;
  });
  return [...new Set(names)];
}

/** Lower-cased group names, without repeats; unknown groups are allowed, malformed ones are a 400. */
function checkGroups(groups: readonly string[]): string[] {
  const names = groups.map((group, index) => {
    const checked = validateLocalUserName(group);
    if (!checked.ok)
      throw invalidField(`/groups/${index}`, checked.message.replace('user name', 'group name'));
    return checked.name;
  });
  return [...new Set(names)];
}

export function registerVpnRuleRoutes(app: ApiApp, ctx: ApiContext): void {
  const { store, clock } = ctx.deps;

  app.get(
    '/api/v1/vpn-rules',
    {
      schema: {
        summary: 'List VPN-access rules in evaluation order (first match wins; no match denies)',
        tags,
        response: { 200: ItemsOf(VpnRuleItem), ...errorReplies },
      },
    },
    async () => ({ items: (await store.vpnRules.list()).map(ruleItem) }),
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
      const users = checkUsers(body.users ?? []);
      const groups = checkGroups(body.groups ?? []);
      if (users.length === 0 && groups.length === 0) {
        throw new ApiError(
          400,
          'missing_field',
          'a rule names at least one user ("*" for every user) or group: give "users" or "groups"',
          '/users',
        );
      }
      const taken = (position: number) =>
        new ApiError(409, 'conflict', `a rule has position ${position} already`, '/position');
      const rule = await store.transaction(async (tx) => {
        const rules = await tx.vpnRules.list();
        const last = rules.reduce((max, r) => Math.max(max, r.position), 0);
        const position = body.position ?? last + positionStep;
        if (rules.some((r) => r.position === position)) throw taken(position);
        const created: VpnRule = {
          id: randomUUID(),
          position,
          action: body.action,
          users,
          groups,
          createdAt: clock.now(),
        };
        try {
          await tx.vpnRules.create(created);
        } catch (error) {
          if (error instanceof StoreConflictError) throw taken(position);
          throw error;
        }
        return created;
      });
      await recordChange(
        ctx,
        'settings_changed',
        null,
        `VPN-access rule ${rule.id} (${rule.action}, position ${rule.position}) added by ${actorOf(ctx.principal(request))}`,
      );
      return reply.status(201).send(ruleItem(rule));
    },
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
      const { id } = request.params;
      if (!(await store.vpnRules.remove(id))) throw notFound(`no VPN-access rule with id "${id}"`);
      await recordChange(
        ctx,
        'settings_changed',
        null,
        `VPN-access rule ${id} removed by ${actorOf(ctx.principal(request))}`,
      );
      return noContent(reply);
    },
  );
}
