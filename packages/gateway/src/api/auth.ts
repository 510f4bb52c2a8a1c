// Authentication of the management API (DECISIONS 20): console sessions (HttpOnly cookie plus a CSRF
// token on unsafe methods) and API tokens (Bearer). Roles: admin (everything), viewer (read only).
import { readFileSync, rmSync } from 'node:fs';
import type { FastifyBaseLogger, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import Type from 'typebox';
import { randomUUID } from 'node:crypto';
import {
  AuthUnavailable,
  directoryRole,
  routeLogin,
  toTimeoutSeconds,
  type Admin,
  type AdminSession,
} from '@kordon/core';
import { LdapDirectory } from '../auth/directory.js';
import { randomSecret, secretEquals, sha256Hex } from '../auth/secrets.js';
import type { ApiApp, ApiContext, Principal } from './context.js';
import { ApiError, ErrorBody, unauthorized } from './errors.js';
import { noContent, RoleSchema } from './schemas.js';
import { Password } from './users.js';

export const sessionCookie = 'kordon_session';
const sessionLifetimeMs = 12 * 60 * 60 * 1000;
const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface GuardOptions {
  /** `token`: only API tokens (GET /metrics). */
  accept: 'session-or-token' | 'token';
  /** Routes every authenticated caller may use whatever their role (logging out). */
  anyRole?: boolean;
}

/** An onRequest hook: runs before the body is read, so an unauthenticated upload is never accepted. */
export function guard(ctx: ApiContext, options: GuardOptions): onRequestAsyncHookHandler {
  return async (request, reply) => {
    const principal = await authenticate(ctx, request, options);
    if (principal === undefined) {
      void reply.header('www-authenticate', 'Bearer');
      throw unauthorized(
        options.accept === 'token'
          ? 'this route needs an API token: send "Authorization: Bearer <token>"'
          : 'log in (POST /api/v1/login) or send an API token ("Authorization: Bearer <token>")',
      );
    }
    const unsafe = !safeMethods.has(request.method);
    if (unsafe && principal.kind === 'session') {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !secretEquals(sent, principal.csrfToken)) {
        throw new ApiError(
          'csrf_token_invalid',
          'a missing or wrong X-CSRF-Token header: send the csrf_token returned at login',
        );
      }
    }
    // Until a forced change is done, only the routes every caller may use (me, me/password, logout).
    if (principal.kind === 'session' && principal.mustChangePassword && options.anyRole !== true) {
      throw new ApiError(
        'password_change_required',
        'change the password first: PUT /api/v1/me/password {"current_password","password"}',
      );
    }
    if (unsafe && principal.role === 'viewer' && options.anyRole !== true) {
      throw new ApiError('forbidden', 'the viewer role is read-only: this change needs the admin role');
    }
    ctx.setPrincipal(request, principal);
  };
}

async function authenticate(
  ctx: ApiContext,
  request: FastifyRequest,
  options: GuardOptions,
): Promise<Principal | undefined> {
  const { store, clock } = ctx.deps;
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer +(\S+) *$/i.exec(authorization);
    if (match?.[1] === undefined) return undefined;
    const token = await store.tokens.getByHash(sha256Hex(match[1]));
    if (token === undefined) return undefined;
    return { kind: 'token', name: token.name, role: token.role, tokenId: token.id };
  }
  if (options.accept === 'token') return undefined;
  const secret = request.cookies[sessionCookie];
  if (secret === undefined || secret === '') return undefined;
  // Stored as the SHA-256 of the cookie's secret, like API tokens: a copy of the database opens nothing.
  const session = await store.adminSessions.get(sha256Hex(secret));
  if (session === undefined) return undefined;
  if (session.expiresAt.getTime() <= clock.now().getTime()) {
    await store.adminSessions.remove(session.id);
    return undefined;
  }
  const admin = await store.admins.getById(session.adminId);
  if (admin === undefined) return undefined;
  return {
    kind: 'session',
    name: admin.name,
    role: admin.role,
    adminId: admin.id,
    sessionId: session.id,
    csrfToken: session.csrfToken,
    mustChangePassword: admin.mustChangePassword,
  };
}

const LoginBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 256 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);

const MustChange = Type.Boolean({
  description: 'true: every route but me, me/password and logout answers 403 password_change_required',
});

const LoginReply = Type.Object({
  name: Type.String(),
  role: RoleSchema,
  csrf_token: Type.String(),
  must_change_password: MustChange,
});

const MeReply = Type.Object({
  name: Type.String(),
  role: RoleSchema,
  must_change_password: MustChange,
  csrf_token: Type.Union([Type.String(), Type.Null()], {
    description: "the console session's CSRF token (a reloaded page needs it); null for an API token",
  }),
});

// The new password has the bounds of every administrator's (PUT /api/v1/admins/{name}/password).
const OwnPasswordBody = Type.Object(
  {
    current_password: Type.String({ minLength: 1, maxLength: 1024 }),
    password: Password,
  },
  { additionalProperties: false },
);

/** POST /api/v1/login: public, and throttled per name and per source address (DECISIONS 47). */
export function registerLoginRoute(app: ApiApp, ctx: ApiContext): void {
  const { store, hasher, clock } = ctx.deps;
  const throttle = ctx.loginThrottle;
  const directory = new LdapDirectory(() => store.directory.get());

  const failed = (detail: string, sourceAddress: string): Promise<void> =>
    store.events.append({
      at: clock.now(),
      kind: 'admin_login_failed',
      account: null,
      sourceAddress,
      detail,
    });

  /**
   * The administrator these credentials prove, or undefined. A local administrator's argon2id hash, or
   * (DECISIONS 14) a directory account in the directory's admin or viewer group, checked by an LDAP
   * bind; it is kept as an administrator named by its account, with the role its groups give now.
   */
  async function checkCredentials(
    name: string,
    given: string,
    password: string,
    ip: string,
  ): Promise<Admin | undefined> {
    const config = await store.directory.get();
    const local = await store.admins.get(name);
    const route = config === undefined ? undefined : routeLogin(given, config, local !== undefined);
    if (config !== undefined && route?.kind === 'directory') {
      let result;
      try {
        result = await directory.authenticate(route.user, password);
      } catch (e) {
        if (e instanceof AuthUnavailable) throw new ApiError('directory_unavailable', e.what);
        throw e;
      }
      if (!result.ok) {
        await failed(`management API login failed for the directory account ${route.account}`, ip);
        return undefined;
      }
      const role = directoryRole(result.identity.groups, config);
      const adminName = route.account.toLowerCase();
      if (role === null) {
        await failed(`${route.account} is in neither the directory's admin nor its viewer group`, ip);
        await store.admins.remove(adminName);
        return undefined;
      }
      const known = await store.admins.get(adminName);
      if (known === undefined) {
        // No password of its own: only the directory's bind lets it in (the hash never verifies).
        const created: Admin = {
          id: randomUUID(),
          name: adminName,
          passwordHash: '!directory',
          role,
          createdAt: clock.now(),
          mustChangePassword: false,
        };
        await store.admins.create(created);
        return created;
      }
      if (known.role !== role) await store.admins.setRole(adminName, role);
      return { ...known, role };
    }
    // Unknown names are verified against a dummy hash: the same answer in the same time (DECISIONS 15).
    const valid = await hasher.verify(local?.passwordHash ?? ctx.dummyPasswordHash, password);
    if (local !== undefined && valid) return local;
    // A name that is no administrator's is not written down: it may be a password typed in the wrong field.
    await failed(
      local === undefined
        ? 'management API login failed for a name that is no administrator'
        : `management API login failed for administrator "${local.name}"`,
      ip,
    );
    return undefined;
  }

  app.post(
    '/api/v1/login',
    {
      schema: {
        summary: 'Log in to the console: sets the session cookie and returns the CSRF token',
        tags: ['auth'],
        security: [],
        body: LoginBody,
        response: { 200: LoginReply, '4xx': ErrorBody },
      },
    },
    async (request, reply) => {
      const name = request.body.name.trim().toLowerCase();
      // During a back-off the password is not checked, and the attempt is neither counted nor logged
      // (it costs no hashing, so logging it would let anyone flood the event log).
      const waitMs = throttle.remainingMs(name, request.ip, clock.monotonicMs());
      if (waitMs > 0) {
        const seconds = toTimeoutSeconds(waitMs);
        void reply.header('retry-after', String(seconds));
        throw new ApiError('throttled', `too many failed logins; try again in ${seconds} s`);
      }
      const now = clock.now();
      const admin = await checkCredentials(name, request.body.name, request.body.password, request.ip);
      if (admin === undefined) {
        throttle.recordFailure(name, request.ip, clock.monotonicMs());
        throw new ApiError('invalid_credentials', 'wrong name or password');
      }
      throttle.recordSuccess(name);
      await store.adminSessions.removeExpired(now);
      const secret = randomSecret();
      const session: AdminSession = {
        id: sha256Hex(secret),
        adminId: admin.id,
        csrfToken: randomSecret(),
        expiresAt: new Date(now.getTime() + sessionLifetimeMs),
      };
      await store.adminSessions.create(session);
      await store.events.append({
        at: now,
        kind: 'login',
        account: null,
        sourceAddress: request.ip,
        detail: `administrator "${admin.name}" logged in to the management API`,
      });
      void reply.setCookie(sessionCookie, secret, {
        httpOnly: true,
        secure: true,
        sameSite: 'strict',
        path: '/',
      });
      return {
        name: admin.name,
        role: admin.role,
        csrf_token: session.csrfToken,
        must_change_password: admin.mustChangePassword,
      };
    },
  );
}

/** POST /api/v1/logout and GET /api/v1/me: any authenticated caller. */
export function registerSessionRoutes(app: ApiApp, ctx: ApiContext): void {
  app.post(
    '/api/v1/logout',
    {
      schema: {
        summary: 'End the console session (clears the cookie); a no-op for API tokens',
        tags: ['auth'],
        response: { 204: Type.Null(), '4xx': ErrorBody },
      },
    },
    async (request, reply) => {
      const principal = ctx.principal(request);
      if (principal.kind === 'session') await ctx.deps.store.adminSessions.remove(principal.sessionId);
      void reply.clearCookie(sessionCookie, { httpOnly: true, secure: true, sameSite: 'strict', path: '/' });
      return noContent(reply);
    },
  );
  app.get(
    '/api/v1/me',
    {
      schema: {
        summary: 'Who is calling: the administrator or the API token, with its role',
        tags: ['auth'],
        response: { 200: MeReply, '4xx': ErrorBody },
      },
    },
    (request) => {
      const principal = ctx.principal(request);
      const session = principal.kind === 'session';
      return Promise.resolve({
        name: principal.name,
        role: principal.role,
        must_change_password: session && principal.mustChangePassword,
        csrf_token: session ? principal.csrfToken : null,
      });
    },
  );
  registerOwnPasswordRoute(app, ctx);
}

/** PUT /api/v1/me/password: any role, console sessions only; guessing is throttled like logins. */
function registerOwnPasswordRoute(app: ApiApp, ctx: ApiContext): void {
  const { clock } = ctx.deps;
  const throttle = ctx.loginThrottle;
  app.put(
    '/api/v1/me/password',
    {
      schema: {
        summary: "Change the signed-in administrator's own password (ends their other console sessions)",
        tags: ['auth'],
        body: OwnPasswordBody,
        response: { 204: Type.Null(), '4xx': ErrorBody },
      },
    },
    async (request, reply) => {
      const principal = ctx.principal(request);
      if (principal.kind !== 'session') {
        throw new ApiError('forbidden', 'API tokens have no password: sign in to the console to change one');
      }
      const waitMs = throttle.remainingMs(principal.name, request.ip, clock.monotonicMs());
      if (waitMs > 0) {
        const seconds = toTimeoutSeconds(waitMs);
        void reply.header('retry-after', String(seconds));
        throw new ApiError('throttled', `too many wrong passwords; try again in ${seconds} s`);
      }
      const { current_password: current, password } = request.body;
      const changed = await ctx.deps.admin.administrators.changeOwnPassword(
        principal.adminId,
        current,
        password,
        principal.sessionId,
      );
      if (!changed) {
        throttle.recordFailure(principal.name, request.ip, clock.monotonicMs());
        await ctx.deps.store.events.append({
          at: clock.now(),
          kind: 'admin_login_failed',
          account: null,
          sourceAddress: request.ip,
          detail: `administrator "${principal.name}" gave a wrong current password`,
        });
        throw new ApiError('wrong_password', 'the current password is wrong', '/current_password');
      }
      throttle.recordSuccess(principal.name);
      removeInitialPasswordFile(ctx, current, request.log);
      return noContent(reply);
    },
  );
}

/** DECISIONS 21: once the password in the first administrator's file has been replaced, the file goes. */
function removeInitialPasswordFile(ctx: ApiContext, replaced: string, log: FastifyBaseLogger): void {
  const file = ctx.deps.initialAdminPasswordFile;
  if (file === undefined) return;
  let written: string;
  try {
    written = readFileSync(file, 'utf8').trim();
  } catch {
    return;
  }
  if (!secretEquals(written, replaced)) return;
  rmSync(file, { force: true });
  log.info({ file }, 'the first administrator changed the initial password: removed its file');
}
