// Client installers: /api/v1/installers (DECISIONS 12, 48). Uploads are raw bytes
// (application/octet-stream), streamed to disk; the only route here that takes no JSON.
import type { Readable } from 'node:stream';
import Type from 'typebox';
import type { Installer, ListSpec } from '@kordon/core';
import {
  InstallerError,
  installerOsNames,
  maxInstallerSize,
  registerInstaller,
  removeInstaller,
  updatePolicies,
  versionText,
} from '../installers.js';
import { actorOf, type ApiApp, type ApiContext } from './context.js';
import { ApiError, notFound } from './errors.js';
import { page, PageOf, PageQuerystring } from './paging.js';
import { errorReplies, noContent, Timestamp } from './schemas.js';

const tags = ['installers'];

const InstallerItem = Type.Object({
  os: Type.Enum([...installerOsNames]),
  version: Type.String({ description: 'major.minor.build' }),
  file_name: Type.String(),
  size: Type.Integer(),
  sha256: Type.String(),
  policy: Type.Enum([...updatePolicies]),
  added_at: Timestamp,
  download_url: Type.Union([Type.String(), Type.Null()], {
    description: 'what clients are told to download (DECISIONS 48): ":<client port>/<file_name>"',
  }),
});
type InstallerItem = Type.Static<typeof InstallerItem>;

const installerList: ListSpec<InstallerItem> = {
  id: (item) => item.os,
  searchText: (item) => [item.os, item.version, item.file_name],
  sortKeys: { os: (item) => item.os, version: (item) => item.version },
  defaultSort: 'os',
};

const OsParams = Type.Object({ os: Type.Enum([...installerOsNames]) }, { additionalProperties: false });

function installerItem(installer: Installer, clientPort: number | undefined): InstallerItem {
  return {
    os: installer.os,
    version: versionText(installer),
    file_name: installer.fileName,
    size: installer.size,
    sha256: installer.sha256,
    policy: installer.policy,
    added_at: installer.addedAt.toISOString(),
    download_url: clientPort === undefined ? null : `:${clientPort}/${installer.fileName}`,
  };
}

const octetStream = 'application/octet-stream';

function installerErrorToApi(error: InstallerError): ApiError {
  const field = error.field === 'source' ? null : `/${error.field}`;
  if (error.code === 'too_large') return new ApiError('body_too_large', error.message, null);
  if (error.code === 'conflict') return new ApiError('conflict', error.message, field);
  return new ApiError('invalid_field', error.message, field);
}

export function registerInstallerRoutes(app: ApiApp, ctx: ApiContext): void {
  const { store, clock, installersDir, clientPort } = ctx.deps;
  const itemOf = (installer: Installer): InstallerItem => installerItem(installer, clientPort);

  app.get(
    '/api/v1/installers',
    {
      schema: {
        summary: 'List registered client installers, one per OS',
        description: 'search: os, version, file_name; sort: os (default), version',
        tags,
        querystring: PageQuerystring,
        response: { 200: PageOf(InstallerItem), ...errorReplies },
      },
    },
    async (request) =>
      page((await store.installers.list()).map(itemOf), request.query, installerList, (item) => item),
  );

  // The upload is handed to the route as the raw request stream; nothing is buffered.
  app.addContentTypeParser(octetStream, (_request, payload, done) => {
    done(null, payload);
  });

  app.put(
    '/api/v1/installers/:os',
    {
      schema: {
        summary: "Upload an OS's installer (raw bytes, application/octet-stream); replaces the previous one",
        tags,
        params: OsParams,
        querystring: Type.Object(
          {
            version: Type.String({ description: 'major.minor.build, e.g. 1.2.3' }),
            file_name: Type.String({ description: 'the name it is served as, at :<port>/<file_name>' }),
            policy: Type.Optional(
              Type.Enum([...updatePolicies], {
                description: 'exact (default): clients of another version update; minimum: only older ones',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: InstallerItem, ...errorReplies },
      },
    },
    async (request, reply) => {
      const body: unknown = request.body;
      if (
        request.headers['content-type']?.split(';')[0]?.trim().toLowerCase() !== octetStream ||
        !isStream(body)
      ) {
        throw new ApiError('unsupported_media_type', `send the installer's bytes as ${octetStream}`);
      }
      const declared = Number(request.headers['content-length']);
      if (declared > maxInstallerSize) {
        throw new ApiError('body_too_large', `an installer may be at most ${maxInstallerSize} bytes`);
      }
      try {
        const installer = await registerInstaller({
          store,
          dir: installersDir,
          os: request.params.os,
          version: request.query.version,
          fileName: request.query.file_name,
          policy: request.query.policy ?? 'exact',
          source: body,
          clock,
          actor: actorOf(ctx.principal(request)),
        });
        return await reply.status(201).send(itemOf(installer));
      } catch (error) {
        if (error instanceof InstallerError) throw installerErrorToApi(error);
        throw error;
      }
    },
  );

  app.delete(
    '/api/v1/installers/:os',
    {
      schema: {
        summary: "Remove an OS's installer and its file",
        tags,
        params: OsParams,
        response: { 204: Type.Null(), ...errorReplies },
      },
    },
    async (request, reply) => {
      const removed = await removeInstaller({
        store,
        dir: installersDir,
        os: request.params.os,
        clock,
        actor: actorOf(ctx.principal(request)),
      });
      if (!removed) throw notFound(`no installer is registered for ${request.params.os}`);
      return noContent(reply);
    },
  );
}

function isStream(value: unknown): value is Readable {
  return typeof value === 'object' && value !== null && 'pipe' in value && typeof value.pipe === 'function';
}
