// The management API (DECISIONS 20, 44): vendor routes under /agent_backend, Kordon's own under /api/v1,
// /healthz and /metrics. Built here, listened on by the caller.
import { createServer as createHttpsServer } from 'node:https';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { AggregatorRegistry } from 'prom-client';
import Type from 'typebox';
import { parseStrictJson } from '@kordon/protocol';
import { randomSecret } from '../auth/secrets.js';
import { registerAccessRuleRoutes } from './access-rules.js';
import { registerAdminRoutes } from './admins.js';
import { registerConsoleRoutes } from './console.js';
import { guard, registerLoginRoute, registerSessionRoutes, sessionCookie } from './auth.js';
import { createContext, type ApiApp, type ApiContext, type ManagementApiDeps } from './context.js';
import { AdminError } from '../admin/errors.js';
import { ApiError } from './errors.js';
import { registerEventRoutes } from './events.js';
import { registerDirectoryRoutes } from './directory.js';
import { registerExemptionRoutes } from './exemptions.js';
import { registerGroupRoutes } from './groups.js';
import { registerInstallerRoutes } from './installers.js';
import { registerPostureRoutes } from './posture.js';
import { registerSessionListRoutes } from './sessions.js';
import { registerTokenRoutes } from './tokens.js';
import { registerUserRoutes } from './users.js';
import { validationError, type RequestPart } from './validation.js';
import { registerVendorRoutes } from './vendor.js';
import { registerVpnRuleRoutes } from './vpn-rules.js';

export type { ManagementApiDeps } from './context.js';
export { consolePath, loadConsole } from './console.js';

/** JSON bodies: 1 MiB is far above any settings object (a CA chain of a few certificates). */
const jsonBodyLimit = 1024 * 1024;

export async function buildManagementApi(deps: ManagementApiDeps): Promise<FastifyInstance> {
  const { https } = deps;
  const app: ApiApp = Fastify<Server, IncomingMessage, ServerResponse>({
    ...(deps.logger === false ? { logger: false } : { loggerInstance: deps.logger }),
    ...(https === undefined
      ? {}
      : {
          serverFactory: (handler: Parameters<typeof createHttpsServer>[1]): Server =>
            createHttpsServer({ key: https.key, cert: https.cert }, handler),
        }),
    bodyLimit: jsonBodyLimit,
    // DECISIONS 7: unknown properties are refused, never stripped; nothing is coerced or defaulted.
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // JSON only (the installer upload adds its own parser in its scope), and strict JSON: duplicate keys
  // are refused (DECISIONS 8), so `{"enabled":true,"enabled":false}` cannot mean two things.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, text, done) => {
    const body = typeof text === 'string' ? text : text.toString('utf8');
    // `DELETE` with a JSON Content-Type and nothing after it is common from scripts: no body, no error.
    if (body === '' && request.routeOptions.schema?.body === undefined) {
      done(null, undefined);
      return;
    }
    const parsed = parseStrictJson(body);
    if (parsed.ok) done(null, parsed.value);
    else done(new ApiError(parsed.error.code, parsed.error.message, parsed.error.field), undefined);
  });
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    void reply
      .status(404)
      .send(new ApiError('not_found', `there is no route ${request.method} ${path}`).toBody());
  });

  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Kordon gateway management API',
        version: '1',
        description:
          'The vendor-compatible client-authorization routes (/agent_backend) and Kordon management (/api/v1).',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An API token' },
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: sessionCookie,
            description: 'A console session (POST /api/v1/login); unsafe methods also need X-CSRF-Token',
          },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
  });

  const ctx = createContext(deps, await deps.hasher.hash(randomSecret()));

  // Public: health and login.
  await app.register((scope: ApiApp) => {
    scope.get(
      '/healthz',
      {
        schema: {
          summary: 'Liveness, with how the gateway enforces access',
          tags: ['health'],
          security: [],
          response: { 200: HealthReply },
        },
      },
      () => Promise.resolve(healthOf(deps)),
    );
    registerLoginRoute(scope, ctx);
    registerConsoleRoutes(scope, deps.console);
    return Promise.resolve();
  });

  // Any authenticated caller, whatever the role.
  await app.register((scope: ApiApp) => {
    scope.addHook('onRequest', guard(ctx, { accept: 'session-or-token', anyRole: true }));
    registerSessionRoutes(scope, ctx);
    return Promise.resolve();
  });

  // Everything else: viewers read, admins change.
  await app.register(async (scope: ApiApp) => {
    scope.addHook('onRequest', guard(ctx, { accept: 'session-or-token' }));
    registerVendorRoutes(scope, ctx);
    registerUserRoutes(scope, ctx);
    registerGroupRoutes(scope, ctx);
    registerVpnRuleRoutes(scope, ctx);
    registerExemptionRoutes(scope, ctx);
    registerPostureRoutes(scope, ctx);
    registerAccessRuleRoutes(scope, ctx);
    registerDirectoryRoutes(scope, ctx);
    registerSessionListRoutes(scope, ctx);
    registerTokenRoutes(scope, ctx);
    registerAdminRoutes(scope, ctx);
    registerEventRoutes(scope, ctx);
    await scope.register((uploads: ApiApp) => {
      registerInstallerRoutes(uploads, ctx);
      return Promise.resolve();
    });
    registerOpenApiRoute(scope, app);
  });

  // Metrics: API tokens only (DECISIONS 20), a viewer token is enough.
  await app.register((scope: ApiApp) => {
    scope.addHook('onRequest', guard(ctx, { accept: 'token' }));
    registerMetricsRoute(scope, ctx);
    return Promise.resolve();
  });

  await app.ready();
  return app;
}

const HealthReply = Type.Object(
  { status: Type.Literal('ok') },
  {
    additionalProperties: Type.String(),
    description:
      'Beside "status": "lan_enforcement" ("on" or "off": DECISIONS 37), "wireguard" and "firewall" (the driver kinds in use)',
  },
);

function healthOf(deps: ManagementApiDeps): Type.Static<typeof HealthReply> {
  // "status" is always "ok" (the serializer writes it first): a field of that name from `health`
  // cannot replace it.
  return { ...deps.health?.(), status: 'ok' };
}

function registerOpenApiRoute(scope: ApiApp, root: ApiApp): void {
  scope.get(
    '/api/v1/openapi.json',
    { schema: { hide: true } },
    // The document is built once, after every route is registered.
    () => Promise.resolve(root.swagger()),
  );
}

function registerMetricsRoute(scope: ApiApp, ctx: ApiContext): void {
  const { registry } = ctx.deps.metrics;
  scope.get(
    '/metrics',
    {
      schema: {
        summary: 'Prometheus metrics (API token only)',
        tags: ['health'],
        security: [{ bearer: [] }],
      },
    },
    async (_request, reply) => {
      const { workerMetrics } = ctx.deps;
      if (!workerMetrics) return reply.type(registry.contentType).send(await registry.metrics());
      // DECISIONS 71: one document for every worker (counters summed, gauges summed per label set).
      const all: unknown[] = [await registry.getMetricsAsJSON(), ...(await workerMetrics())];
      const merged = AggregatorRegistry.aggregate(
        all.filter((m): m is object => typeof m === 'object' && m !== null),
      );
      return reply.type(merged.contentType).send(await merged.metrics());
    },
  );
}

/** One error body for everything (DECISIONS 44); details of unexpected errors go to the log only. */
function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const apiError = toApiError(error, request);
  if (apiError.statusCode >= 500) request.log.error({ err: error }, 'management API request failed');
  // A body refused before it was read (an upload of up to 1 GiB) is not drained: the connection closes.
  const hasBody =
    request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
  if (hasBody && !request.raw.readableEnded) void reply.header('connection', 'close');
  void reply.status(apiError.statusCode).send(apiError.toBody());
}

function toApiError(error: FastifyError, request: FastifyRequest): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof AdminError) {
    return new ApiError(error.code, error.message, error.field);
  }
  if (error.validation !== undefined) {
    const part: RequestPart = error.validationContext ?? 'body';
    const schema = request.routeOptions.schema?.[part];
    const data = partOf(request, part);
    return validationError(error.validation, part, schema, data);
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError('unsupported_media_type', 'send the request body as application/json');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('body_too_large', `the request body is larger than ${jsonBodyLimit} bytes`);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError('invalid_json', 'the body is empty but Content-Type says application/json');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError('invalid_request', 'the Content-Length does not match the body');
    default:
      break;
  }
  if (error instanceof SyntaxError && error.statusCode === 400) {
    // JSON.parse's message quotes the body, which may hold a password: only the position is repeated.
    const position = /position (\d+)/.exec(error.message)?.[1];
    const where = position === undefined ? '' : ` (at position ${position})`;
    return new ApiError('invalid_json', `the body is not valid JSON${where}`);
  }
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return new ApiError('invalid_request', 'the request is not valid');
  }
  return new ApiError('internal_error', "the gateway failed to handle the request; see the gateway's log");
}

function partOf(request: FastifyRequest, part: RequestPart): unknown {
  switch (part) {
    case 'body':
      return request.body;
    case 'querystring':
      return request.query;
    case 'params':
      return request.params;
    case 'headers':
      return request.headers;
  }
}
