// The vendor-compatible routes, exactly as PROTOCOL.md "Management REST API" has them (DECISIONS 44),
// and the aliases of later vendor versions (`agent-server`, GET and PATCH).
import type { FastifyRequest } from 'fastify';
import type { ClientSettings } from '@kordon/core';
import {
  WireguardSetting,
  WireguardSettingPatch,
  WireguardState,
  WireguardStatePatch,
} from '@kordon/protocol';
import { actorOf, type ApiApp, type ApiContext } from './context.js';
import { errorReplies } from './schemas.js';

const tags = ['vendor'];

function stateOf(settings: ClientSettings): WireguardState {
  return { enabled: settings.enabled };
}

function settingOf(settings: ClientSettings): WireguardSetting {
  return {
    auth_domain: settings.auth_domain,
    local_tunnel: settings.local_tunnel,
    device_vpn: settings.device_vpn,
    trusted_ca_cert: settings.trusted_ca_cert,
  };
}

/** Keeps only the keys that were sent (a PATCH body's absent keys stay as they are). */
function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<T>;
}

export function registerVendorRoutes(app: ApiApp, ctx: ApiContext): void {
  const { store, admin } = ctx.deps;

  /** Validated as a whole and stored with an event; the change feed applies it to live sessions. */
  function change(request: FastifyRequest, merge: (current: ClientSettings) => ClientSettings) {
    return admin.settings.change(merge, actorOf(ctx.principal(request)));
  }

  const getState = {
    schema: {
      summary: 'Whether authorization through the client is on',
      tags,
      response: { 200: WireguardState, ...errorReplies },
    },
  };
  const getSetting = {
    schema: {
      summary: 'The client-authorization settings',
      tags,
      response: { 200: WireguardSetting, ...errorReplies },
    },
  };
  for (const base of ['/agent_backend/wireguard', '/agent_backend/agent-server']) {
    app.get(`${base}/state`, getState, async () => stateOf(await store.settings.get()));
    app.get(`${base}/setting`, getSetting, async () => settingOf(await store.settings.get()));
  }

  app.put(
    '/agent_backend/wireguard/state',
    {
      schema: {
        summary: 'Turn authorization through the client on or off (off closes every client with 4004)',
        tags,
        body: WireguardState,
        response: { 200: WireguardState, ...errorReplies },
      },
    },
    async (request) =>
      stateOf(await change(request, (current) => ({ ...current, enabled: request.body.enabled }))),
  );
  app.patch(
    '/agent_backend/agent-server/state',
    {
      schema: {
        summary: 'Turn authorization through the client on or off (partial update)',
        tags,
        body: WireguardStatePatch,
        response: { 200: WireguardState, ...errorReplies },
      },
    },
    async (request) =>
      stateOf(await change(request, (current) => ({ ...current, ...definedOnly(request.body) }))),
  );
  app.put(
    '/agent_backend/wireguard/setting',
    {
      schema: {
        summary: 'Replace the client-authorization settings (all four keys)',
        tags,
        body: WireguardSetting,
        response: { 200: WireguardSetting, ...errorReplies },
      },
    },
    async (request) => settingOf(await change(request, (current) => ({ ...current, ...request.body }))),
  );
  app.patch(
    '/agent_backend/agent-server/setting',
    {
      schema: {
        summary: 'Change some client-authorization settings; the result is validated as a whole',
        tags,
        body: WireguardSettingPatch,
        response: { 200: WireguardSetting, ...errorReplies },
      },
    },
    async (request) =>
      settingOf(await change(request, (current) => ({ ...current, ...definedOnly(request.body) }))),
  );
}
