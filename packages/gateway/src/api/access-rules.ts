// Access rules by posture profile: /api/v1/access-rules (docs/posture.md "Access rules"). Evaluated
// by position, the first match wins; with rules, what none allows is dropped. Bodies are checked by
// the administrative use case (the same words as the CLI's, the field as a JSON Pointer); the schemas
// below describe them for the OpenAPI document. A GET's item may be PUT back as it is.
import Type from 'typebox';
import {
  ACCESS_RULE_ACTIONS,
  NO_PROFILE_KEY,
  evaluationOrderKey,
  type AccessRule,
  type ListSpec,
  type PostureProfile,
} from '@kordon/core';
import { AccessRuleInputError, accessRuleLimits, accessRuleView } from '../admin/access-rules.js';
import { positionStep } from '../admin/vpn-rules.js';
import { actorOf, type ApiApp, type ApiContext } from './context.js';
import { ApiError } from './errors.js';
import { page, PageOf, PageQuerystring } from './paging.js';
import { errorReplies, noContent, Timestamp } from './schemas.js';

const tags = ['access-rules'];

const positionRange = { minimum: 0, maximum: accessRuleLimits.position };
const Position = Type.Integer({
  ...positionRange,
  description: `order of evaluation, ascending; rules at one position in the order they were made. Default: ${positionStep} after the last rule`,
});
const Action = Type.Enum([...ACCESS_RULE_ACTIONS], {
  description: 'what a matching rule does to the packet; default allow',
});
const Profiles = Type.Array(Type.String(), {
  minItems: 1,
  maxItems: accessRuleLimits.profiles,
  uniqueItems: true,
  description: `posture profile ids, or "${NO_PROFILE_KEY}" for the devices that match no profile; a session with any of them is matched`,
});
const Destinations = Type.Array(Type.String(), {
  minItems: 1,
  maxItems: accessRuleLimits.to,
  description:
    'destination networks, IPv4 or IPv6 ("10.0.0.0/8", "2001:db8::/32"; an address alone is /32 or /128; host bits must be zero); read back normalized',
});

const AccessRuleItem = Type.Object(
  {
    id: Type.String(),
    position: Position,
    action: Action,
    profiles: Profiles,
    profile_names: Type.Array(Type.String(), {
      description: `the profiles' current names, in the order of "profiles" ("${NO_PROFILE_KEY}" for the reserved key); read-only`,
    }),
    to: Destinations,
    created_at: Timestamp,
  },
  { additionalProperties: false },
);
type AccessRuleItem = Type.Static<typeof AccessRuleItem>;

const accessRuleList: ListSpec<AccessRuleItem> = {
  id: (item) => item.id,
  searchText: (item) => [...item.profile_names, ...item.to],
  sortKeys: { position: (item) => evaluationOrderKey(item.position, item.created_at) },
  defaultSort: 'position',
};

const CreateBody = Type.Object(
  {
    position: Type.Optional(Position),
    action: Type.Optional(Action),
    profiles: Profiles,
    to: Destinations,
  },
  { additionalProperties: false },
);

const ReplaceBody = Type.Object(
  {
    id: Type.Optional(Type.String({ description: "the path's id, as a GET gave it" })),
    position: Type.Optional(
      Type.Integer({
        ...positionRange,
        description: 'order of evaluation; left out: the rule keeps its position',
      }),
    ),
    action: Type.Optional(Action),
    profiles: Profiles,
    profile_names: Type.Optional(Type.Array(Type.String(), { description: 'read-only: ignored' })),
    to: Destinations,
    created_at: Type.Optional(Type.String({ description: 'read-only: ignored' })),
  },
  { additionalProperties: false, description: 'what a GET gave may be sent back changed' },
);

const PatchBody = Type.Object(
  {
    position: Type.Optional(Position),
    action: Type.Optional(Action),
    profiles: Type.Optional(Profiles),
    to: Type.Optional(Destinations),
  },
  { additionalProperties: false, description: 'the fields to change; those left out stay' },
);

const IdParams = Type.Object({ id: Type.String() }, { additionalProperties: false });

/**
 * The schemas describe, the use case checks (so a body is refused with its words and pointer), and
 * replies are built here as JSON.
 */
const describedOnly = {
  validatorCompiler: () => () => true,
  serializerCompiler: () => (data: unknown) => JSON.stringify(data),
};

const accessRuleItem = (rule: AccessRule, profiles: readonly PostureProfile[]): AccessRuleItem =>
  accessRuleView(rule, profiles);

/** The use case's refusal as the API says it: unknown fields and a body that is no object as elsewhere. */
async function asApi<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AccessRuleInputError && error.field === '') {
      throw new ApiError('invalid_body', error.message, null);
    }
    if (error instanceof AccessRuleInputError && error.unknownField) {
      throw new ApiError('unknown_field', error.message, error.field);
    }
    throw error;
  }
}

export function registerAccessRuleRoutes(app: ApiApp, ctx: ApiContext): void {
  const { accessRules, posture } = ctx.deps.admin;
  const actor = (request: Parameters<typeof ctx.principal>[0]): string => actorOf(ctx.principal(request));
  /** The item with the profiles' names as they are once the change is made. */
  const item = async (rule: AccessRule): Promise<AccessRuleItem> =>
    accessRuleItem(rule, await posture.listProfiles());

  app.get(
    '/api/v1/access-rules',
    {
      schema: {
        summary: 'List access rules by posture profile in evaluation order (first match wins)',
        description: 'search: profile names and destinations; sort: position',
        tags,
        querystring: PageQuerystring,
        response: { 200: PageOf(AccessRuleItem), ...errorReplies },
      },
      ...describedOnly,
    },
    async (request) => {
      const [rules, profiles] = await Promise.all([accessRules.list(), posture.listProfiles()]);
      return page(
        rules.map((rule) => accessRuleItem(rule, profiles)),
        request.query,
        accessRuleList,
        (item) => item,
      );
    },
  );

  app.post(
    '/api/v1/access-rules',
    {
      schema: {
        summary: 'Add an access rule: which destinations the sessions of which posture profiles reach',
        tags,
        body: CreateBody,
        response: { 201: AccessRuleItem, ...errorReplies },
      },
      ...describedOnly,
    },
    async (request, reply) => {
      const created = await asApi(() => accessRules.create(request.body as unknown, actor(request)));
      return reply.status(201).send(await item(created));
    },
  );

  app.get(
    '/api/v1/access-rules/:id',
    {
      schema: {
        summary: 'One access rule',
        tags,
        params: IdParams,
        response: { 200: AccessRuleItem, ...errorReplies },
      },
      ...describedOnly,
    },
    async (request) => item(await accessRules.get(request.params.id)),
  );

  app.put(
    '/api/v1/access-rules/:id',
    {
      schema: {
        summary: 'Replace an access rule (action default allow; position left out: kept)',
        tags,
        params: IdParams,
        body: ReplaceBody,
        response: { 200: AccessRuleItem, ...errorReplies },
      },
      ...describedOnly,
    },
    async (request) =>
      item(
        await asApi(() => accessRules.replace(request.params.id, request.body as unknown, actor(request))),
      ),
  );

  app.patch(
    '/api/v1/access-rules/:id',
    {
      schema: {
        summary: 'Change some of an access rule: position, action, profiles, to',
        tags,
        params: IdParams,
        body: PatchBody,
        response: { 200: AccessRuleItem, ...errorReplies },
      },
      ...describedOnly,
    },
    async (request) =>
      item(await asApi(() => accessRules.patch(request.params.id, request.body as unknown, actor(request)))),
  );

  app.delete(
    '/api/v1/access-rules/:id',
    {
      schema: {
        summary: 'Remove an access rule',
        tags,
        params: IdParams,
        response: { 204: Type.Null(), ...errorReplies },
      },
      ...describedOnly,
    },
    async (request, reply) => {
      await accessRules.remove(request.params.id, actor(request));
      return noContent(reply);
    },
  );
}
