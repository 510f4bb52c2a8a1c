// The directory: /api/v1/directory (DECISIONS 14). The bind password is written, never read back.
import Type from 'typebox';
import type { DirectoryView } from '../admin/directory.js';
import { actorOf, type ApiApp, type ApiContext } from './context.js';
import { PageQuery, parseLimit } from './paging.js';
import { errorReplies, ItemsOf, noContent, Timestamp } from './schemas.js';

const tags = ['directory'];

const fields = {
  url: Type.String({ maxLength: 512, description: 'ldaps://dc1.corp.example, or ldap://... with StartTLS' }),
  domain: Type.String({ maxLength: 15, description: 'the NetBIOS domain: CORP' }),
  realm: Type.String({ maxLength: 253, description: 'the Kerberos realm: CORP.EXAMPLE' }),
  base_dn: Type.String({ maxLength: 1024, description: 'where users and groups are searched' }),
  bind_dn: Type.String({ maxLength: 1024, description: 'the account the gateway searches with' }),
  ca_cert: Type.Union([Type.String({ maxLength: 1_048_576 }), Type.Null()], {
    description: "PEM of the CA of the directory's TLS certificate; null: the system's CAs",
  }),
  admin_group: Type.Union([Type.String({ maxLength: 512 }), Type.Null()], {
    description:
      'members (nested too) administer the gateway with their domain password: CORP\\kordon-admins',
  }),
  viewer_group: Type.Union([Type.String({ maxLength: 512 }), Type.Null()], {
    description: 'members may read the management API',
  }),
};

const ntlm = Type.Boolean({
  description: 'NTLM single sign-on through winbind (the gateway host is joined to the domain)',
});

const DirectoryItem = Type.Object({
  ...fields,
  ntlm,
  bind_password_set: Type.Boolean(),
  keytab_keys: Type.Union([Type.Array(Type.String()), Type.Null()], {
    description: "the keytab's principals, key versions and key types (never the keys); null: no keytab",
  }),
  kerberos_problem: Type.Union([Type.String(), Type.Null()], {
    description: 'why Kerberos single sign-on cannot be offered now; null: it can',
  }),
  updated_at: Timestamp,
});
type DirectoryItem = Type.Static<typeof DirectoryItem>;

const DirectoryBody = Type.Object(
  {
    ...fields,
    bind_password: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 1024,
        writeOnly: true,
        description: 'absent: keep the one set (needed when no directory is set yet)',
      }),
    ),
    keytab: Type.Optional(
      Type.Union([Type.String({ maxLength: 1_048_576 }), Type.Null()], {
        writeOnly: true,
        description:
          'the keytab with the key of HTTP/<auth_domain>, base64 (Kerberos single sign-on); absent: keep the one set, null: remove it',
      }),
    ),
    ntlm: Type.Optional(
      Type.Boolean({ description: 'NTLM single sign-on through winbind; absent: keep as set' }),
    ),
  },
  { additionalProperties: false },
);

function directoryItem(v: DirectoryView): DirectoryItem {
  return {
    url: v.url,
    domain: v.domain,
    realm: v.realm,
    base_dn: v.baseDn,
    bind_dn: v.bindDn,
    ca_cert: v.caCert,
    admin_group: v.adminGroup,
    viewer_group: v.viewerGroup,
    ntlm: v.ntlm,
    bind_password_set: v.bindPasswordSet,
    keytab_keys: v.keytabKeys,
    kerberos_problem: v.kerberosProblem,
    updated_at: v.updatedAt.toISOString(),
  };
}

const DirectoryUserItem = Type.Object({
  account: Type.String({ description: 'alice@CORP.EXAMPLE, as sessions and rules name the user' }),
  name: Type.String({ description: 'the sAMAccountName' }),
  display_name: Type.Union([Type.String(), Type.Null()]),
  restriction: Type.Union([Type.String(), Type.Null()], {
    description: 'why the account may not log in (disabled, locked, expired), or null',
  }),
});

export function registerDirectoryRoutes(app: ApiApp, ctx: ApiContext): void {
  const { directory } = ctx.deps.admin;

  app.get(
    '/api/v1/directory/users',
    {
      schema: {
        summary: 'Directory users whose name holds `search`, asked of the directory now (at most `limit`)',
        tags,
        querystring: Type.Object(
          {
            search: Type.Optional(
              Type.String({ maxLength: 256, description: 'a part of a name; none: all' }),
            ),
            // A query string holds text: a Type.Integer here could never be met (nothing is coerced).
            limit: PageQuery.limit,
          },
          { additionalProperties: false },
        ),
        response: { 200: ItemsOf(DirectoryUserItem), ...errorReplies },
      },
    },
    async (request) => ({
      items: (await directory.users(request.query.search ?? '', parseLimit(request.query.limit))).map(
        (u) => ({
          account: u.account,
          name: u.name,
          display_name: u.displayName,
          restriction: u.restriction,
        }),
      ),
    }),
  );

  app.get(
    '/api/v1/directory',
    {
      schema: {
        summary: 'The directory users log in against (null: none)',
        tags,
        response: { 200: Type.Union([DirectoryItem, Type.Null()]), ...errorReplies },
      },
    },
    async () => {
      const view = await directory.get();
      return view === undefined ? null : directoryItem(view);
    },
  );

  app.put(
    '/api/v1/directory',
    {
      schema: {
        summary: 'Connect the gateway to a directory (used from the next login)',
        tags,
        body: DirectoryBody,
        response: { 200: DirectoryItem, ...errorReplies },
      },
    },
    async (request) => {
      const b = request.body;
      const view = await directory.set(
        {
          url: b.url,
          domain: b.domain,
          realm: b.realm,
          baseDn: b.base_dn,
          bindDn: b.bind_dn,
          ...(b.bind_password !== undefined ? { bindPassword: b.bind_password } : {}),
          caCert: b.ca_cert,
          adminGroup: b.admin_group,
          viewerGroup: b.viewer_group,
          ...(b.keytab !== undefined ? { keytab: b.keytab } : {}),
          ...(b.ntlm !== undefined ? { ntlm: b.ntlm } : {}),
        },
        actorOf(ctx.principal(request)),
      );
      return directoryItem(view);
    },
  );

  app.delete(
    '/api/v1/directory',
    {
      schema: {
        summary: "Disconnect the directory (its accounts' sessions end)",
        tags,
        response: { 204: Type.Null(), ...errorReplies },
      },
    },
    async (request, reply) => {
      await directory.clear(actorOf(ctx.principal(request)));
      return noContent(reply);
    },
  );
}
