// Device posture: /api/v1/posture/objects, /api/v1/posture/profiles and /api/v1/posture/settings
// (docs/posture.md). Objects and profiles are the core's own shapes: their bodies are checked by the
// core's parsers (the same words as the CLI's, the field as a JSON Pointer), and the schemas below
// describe them for the OpenAPI document. A GET's item may be PUT back as it is.
import Type, { type TSchema } from 'typebox';
import {
  LIST_OPERATORS,
  POSTURE_OS_TYPES,
  REGISTRY_VALUE_OPERATORS,
  VERSION_OPERATORS,
  defaultPostureSettings,
  type ListSpec,
  type PostureObject,
  type PostureProfile,
} from '@kordon/core';
import { expressionText, PostureInputError, postureSettingsRange } from '../admin/posture.js';
import { actorOf, type ApiApp, type ApiContext } from './context.js';
import { ApiError } from './errors.js';
import { page, PageOf, PageQuerystring } from './paging.js';
import { errorReplies, noContent } from './schemas.js';

const tags = ['posture'];

const ListOperator = Type.Enum([...LIST_OPERATORS], {
  description: 'contains: every item listed is there; does_not_contain: none of them is',
});
const TextOperator = Type.Enum([...LIST_OPERATORS], { description: 'a substring, without regard to case' });
const VersionOperator = Type.Enum([...VERSION_OPERATORS], {
  description: '>=, <=, =: dotted numbers compared numerically; contains, does_not_contain: as text',
});
const Names = (description: string) => Type.Array(Type.String(), { minItems: 1, maxItems: 256, description });
const Days = Type.Integer({ minimum: 0, maximum: 36_500, description: 'the most days allowed' });

const criterion = (check: string, fields: Record<string, TSchema>, description: string) =>
  Type.Object(
    { check: Type.Literal(check), ...fields },
    { additionalProperties: false, description: `${check}: ${description}` },
  );

const Criterion = Type.Union(
  [
    criterion(
      'os_type',
      { operator: ListOperator, values: Type.Array(Type.Enum([...POSTURE_OS_TYPES]), { minItems: 1 }) },
      'the operating system type',
    ),
    criterion(
      'os_version',
      { operator: VersionOperator, value: Type.String() },
      'the operating system version',
    ),
    criterion('domain', { operator: TextOperator, value: Type.String() }, 'the domain the device is in'),
    criterion(
      'kb_list',
      { operator: ListOperator, values: Names('update ids: KB5034441') },
      'installed Windows updates',
    ),
    criterion('av_active', {}, 'an antivirus product runs'),
    criterion('av_name', { operator: TextOperator, value: Type.String() }, "an antivirus product's name"),
    criterion(
      'av_version',
      { operator: VersionOperator, value: Type.String() },
      "an antivirus product's version",
    ),
    criterion('av_update', { max_days: Days }, 'days since the last signature update'),
    criterion('av_scan', { max_days: Days }, 'days since the last scan'),
    criterion('fw_active', {}, 'a firewall runs'),
    criterion('fw_name', { operator: TextOperator, value: Type.String() }, "a firewall's name"),
    criterion('fw_version', { operator: VersionOperator, value: Type.String() }, "a firewall's version"),
    criterion(
      'processes',
      { operator: ListOperator, values: Names('process names, compared on their first 15 characters') },
      'running processes',
    ),
    criterion('services', { operator: ListOperator, values: Names('service names') }, 'running services'),
    criterion(
      'registry',
      {
        operator: ListOperator,
        keys: Type.Array(
          Type.Object(
            {
              key: Type.String({ description: 'HKLM\\SOFTWARE\\...\\ValueName: the hive first' }),
              value: Type.Optional(
                Type.Object(
                  { operator: Type.Enum([...REGISTRY_VALUE_OPERATORS]), text: Type.String() },
                  { additionalProperties: false, description: 'none: the key being there is the test' },
                ),
              ),
            },
            { additionalProperties: false },
          ),
          { minItems: 1, maxItems: 256 },
        ),
      },
      'Windows registry keys and their values',
    ),
  ],
  {
    description:
      'One criterion per check. In a body, {"check": "...", "operator": "dont_check"} is accepted and left out.',
  },
);

/** Objects and profiles alike: by name. */
const byName: ListSpec<{ id: string; name: string }> = {
  id: (item) => item.id,
  searchText: (item) => [item.name],
  sortKeys: { name: (item) => item.name.toLowerCase() },
  defaultSort: 'name',
};

const PostureObjectItem = Type.Object(
  {
    id: Type.String(),
    name: Type.String({ maxLength: 256, description: 'unique without regard to case' }),
    criteria: Type.Array(Criterion, { minItems: 1, description: 'all of them must hold' }),
  },
  { additionalProperties: false },
);

const PostureObjectBody = Type.Object(
  {
    id: Type.Optional(Type.String({ description: "PUT only, and then the path's id" })),
    name: PostureObjectItem.properties.name,
    criteria: PostureObjectItem.properties.criteria,
  },
  { additionalProperties: false },
);

const ObjectReference = Type.Object(
  { object: Type.String({ description: "a posture object's id" }) },
  { additionalProperties: false },
);
const Combination = Type.Object(
  {
    op: Type.Enum(['and', 'or']),
    of: Type.Array(Type.Union([ObjectReference, Type.Object({}, { description: 'a combination, nested' })]), {
      minItems: 1,
      description: 'expressions, at most 8 deep and 256 terms in all',
    }),
  },
  { additionalProperties: false },
);
const Expression = Type.Union([ObjectReference, Combination], {
  description: 'objects combined with and/or; never other profiles',
});

const PostureProfileItem = Type.Object(
  {
    id: Type.String(),
    name: Type.String({
      maxLength: 256,
      description: 'unique without regard to case; "device without profile" is the gateway\'s own',
    }),
    expression: Expression,
    expression_text: Type.String({
      description:
        'the expression as a person writes it, objects by name: Antivirus and (Firewall or "OS updates")',
    }),
  },
  { additionalProperties: false },
);

const PostureProfileBody = Type.Object(
  {
    id: Type.Optional(Type.String({ description: "PUT only, and then the path's id" })),
    name: PostureProfileItem.properties.name,
    expression: Type.Union([
      Expression,
      Type.String({
        maxLength: 65_536,
        description:
          'or the text form: object names (or ids) joined by and/or, AND binding tighter, parentheses grouping, a name with spaces in double quotes',
      }),
    ]),
  },
  { additionalProperties: false },
);

const setting = (key: keyof typeof postureSettingsRange, description: string) =>
  Type.Integer({
    minimum: postureSettingsRange[key].min,
    maximum: postureSettingsRange[key].max,
    description: `${description}; default ${defaultPostureSettings[key]}`,
  });

const settingFields = {
  period: setting('period', "minutes between the client's collections (the ztna request's period); 0: once"),
  recheck_minutes: setting('recheck_minutes', "minutes between re-checks of every session's last report"),
  silent_periods: setting(
    'silent_periods',
    'periods without a report after which the gateway asks for a full report again',
  ),
};

const PostureSettingsItem = Type.Object(settingFields);

const PostureSettingsBody = Type.Object(
  {
    period: Type.Optional(settingFields.period),
    recheck_minutes: Type.Optional(settingFields.recheck_minutes),
    silent_periods: Type.Optional(settingFields.silent_periods),
  },
  { additionalProperties: false, description: 'the settings to change; those left out stay' },
);

const IdParams = Type.Object({ id: Type.String() }, { additionalProperties: false });

/**
 * For the object and profile routes: the schemas describe, the core's parsers check (so a body is
 * refused with the parser's words and pointer), and replies are the core's plain data as JSON.
 */
const describedOnly = {
  validatorCompiler: () => () => true,
  serializerCompiler: () => (data: unknown) => JSON.stringify(data),
};

/** The parser's refusal as the API says it: unknown fields and a body that is no object as elsewhere. */
async function asApi<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof PostureInputError && error.field === '') {
      throw new ApiError('invalid_body', error.message, null);
    }
    if (error instanceof PostureInputError && error.unknownField) {
      throw new ApiError('unknown_field', error.message, error.field);
    }
    throw error;
  }
}

/** A profile as the API shows it: the core's data and its expression in words. */
function profileItem(profile: PostureProfile, objects: readonly PostureObject[]) {
  return { ...profile, expression_text: expressionText(profile.expression, objects) };
}

export function registerPostureRoutes(app: ApiApp, ctx: ApiContext): void {
  const { posture } = ctx.deps.admin;
  const actor = (request: Parameters<typeof ctx.principal>[0]): string => actorOf(ctx.principal(request));

  app.get(
    '/api/v1/posture/objects',
    {
      schema: {
        summary: 'List posture objects by name',
        description: 'search: name; sort: name',
        tags,
        querystring: PageQuerystring,
        response: { 200: PageOf(PostureObjectItem), ...errorReplies },
      },
      ...describedOnly,
    },
    async (request) => page(await posture.listObjects(), request.query, byName, (item) => item),
  );

  app.post(
    '/api/v1/posture/objects',
    {
      schema: {
        summary: 'Add a posture object: a named set of criteria, true when all of them hold',
        tags,
        body: PostureObjectBody,
        response: { 201: PostureObjectItem, ...errorReplies },
      },
      ...describedOnly,
    },
    async (request, reply) => {
      const created = await asApi(() => posture.createObject(request.body as unknown, actor(request)));
      return reply.status(201).send(created);
    },
  );

  app.get(
    '/api/v1/posture/objects/:id',
    {
      schema: {
        summary: 'One posture object',
        tags,
        params: IdParams,
        response: { 200: PostureObjectItem, ...errorReplies },
      },
      ...describedOnly,
    },
    async (request) => posture.getObject(request.params.id),
  );

  app.put(
    '/api/v1/posture/objects/:id',
    {
      schema: {
        summary: 'Replace a posture object (what a GET gave may be sent back changed)',
        tags,
        params: IdParams,
        body: PostureObjectBody,
        response: { 200: PostureObjectItem, ...errorReplies },
      },
      ...describedOnly,
    },
    async (request) =>
      asApi(() => posture.replaceObject(request.params.id, request.body as unknown, actor(request))),
  );

  app.delete(
    '/api/v1/posture/objects/:id',
    {
      schema: {
        summary: 'Remove a posture object (409 while a profile uses it)',
        tags,
        params: IdParams,
        response: { 204: Type.Null(), ...errorReplies },
      },
      ...describedOnly,
    },
    async (request, reply) => {
      await posture.removeObject(request.params.id, actor(request));
      return noContent(reply);
    },
  );

  app.get(
    '/api/v1/posture/profiles',
    {
      schema: {
        summary: 'List posture profiles by name',
        description: 'search: name; sort: name',
        tags,
        querystring: PageQuerystring,
        response: { 200: PageOf(PostureProfileItem), ...errorReplies },
      },
      ...describedOnly,
    },
    async (request) => {
      const objects = await posture.listObjects();
      return page(await posture.listProfiles(), request.query, byName, (item) => profileItem(item, objects));
    },
  );

  app.post(
    '/api/v1/posture/profiles',
    {
      schema: {
        summary: 'Add a posture profile: posture objects combined with and/or',
        tags,
        body: PostureProfileBody,
        response: { 201: PostureProfileItem, ...errorReplies },
      },
      ...describedOnly,
    },
    async (request, reply) => {
      const created = await asApi(() => posture.createProfile(request.body as unknown, actor(request)));
      return reply.status(201).send(profileItem(created, await posture.listObjects()));
    },
  );

  app.get(
    '/api/v1/posture/profiles/:id',
    {
      schema: {
        summary: 'One posture profile',
        tags,
        params: IdParams,
        response: { 200: PostureProfileItem, ...errorReplies },
      },
      ...describedOnly,
    },
    async (request) => profileItem(await posture.getProfile(request.params.id), await posture.listObjects()),
  );

  app.put(
    '/api/v1/posture/profiles/:id',
    {
      schema: {
        summary: 'Replace a posture profile',
        tags,
        params: IdParams,
        body: PostureProfileBody,
        response: { 200: PostureProfileItem, ...errorReplies },
      },
      ...describedOnly,
    },
    async (request) =>
      profileItem(
        await asApi(() => posture.replaceProfile(request.params.id, request.body as unknown, actor(request))),
        await posture.listObjects(),
      ),
  );

  app.delete(
    '/api/v1/posture/profiles/:id',
    {
      schema: {
        summary: 'Remove a posture profile',
        tags,
        params: IdParams,
        response: { 204: Type.Null(), ...errorReplies },
      },
      ...describedOnly,
    },
    async (request, reply) => {
      await posture.removeProfile(request.params.id, actor(request));
      return noContent(reply);
    },
  );

  app.get(
    '/api/v1/posture/settings',
    {
      schema: {
        summary: 'How the gateway runs the posture exchange',
        tags,
        response: { 200: PostureSettingsItem, ...errorReplies },
      },
    },
    async () => posture.getSettings(),
  );

  app.put(
    '/api/v1/posture/settings',
    {
      schema: {
        summary: 'Change the posture settings (those left out stay); replies with the settings in force',
        tags,
        body: PostureSettingsBody,
        response: { 200: PostureSettingsItem, ...errorReplies },
      },
    },
    async (request) => posture.changeSettings(request.body, actor(request)),
  );
}
