// Kerberos from the user's credential cache (KRB5CCNAME, or the default cache of the user's uid): an
// SPNEGO token for HTTP/<gateway host>, as browsers send to intranet sites. No mutual authentication
// is asked for: the gateway's `auth_state` carries no reply token, and TLS already proved the gateway.
import type { SsoContext, SsoTokens } from './tokens.js';
import { SsoUnavailable } from './tokens.js';

interface GssClient {
  step(challenge: string): Promise<string>;
}

interface KerberosClientModule {
  GSS_MECH_OID_SPNEGO: number;
  initializeClient(service: string, options: { mechOID: number; gssFlag: number }): Promise<GssClient>;
}

async function loadKerberos(): Promise<KerberosClientModule> {
  const k = (await import('kerberos')) as unknown as {
    default?: KerberosClientModule;
  } & KerberosClientModule;
  return k.default ?? k;
}

export function kerberosTokens(load: () => Promise<KerberosClientModule> = loadKerberos): SsoTokens {
  return {
    async start(host) {
      let k: KerberosClientModule;
      try {
        k = await load();
      } catch (e) {
        throw new SsoUnavailable(`Kerberos is not installed here (${(e as Error).message})`);
      }
      let client: GssClient;
      let token: string;
      try {
        client = await k.initializeClient(`HTTP@${host.toLowerCase()}`, {
          mechOID: k.GSS_MECH_OID_SPNEGO,
          gssFlag: 0,
        });
        token = await client.step('');
      } catch (e) {
        throw new SsoUnavailable(kerberosWords((e as Error).message, host));
      }
      const context: SsoContext = {
        method: 'kerberos',
        token,
        next: (serverToken) => client.step(serverToken),
        close: () => undefined,
      };
      return context;
    },
  };
}

/** GSSAPI's words, as the user reads them. */
export function kerberosWords(message: string, host: string): string {
  const m = message.toLowerCase();
  if (m.includes('not found in kerberos database') || m.includes('unknown server')) {
    return `the domain knows no service HTTP/${host}: ask the administrator to register it`;
  }
  if (
    m.includes('no kerberos credentials') ||
    m.includes('no credentials were supplied') ||
    m.includes('credentials cache') ||
    m.includes('not found (filename')
  ) {
    return 'no Kerberos ticket for this user: log on with the domain account, or run kinit';
  }
  if (m.includes('expired')) return 'the Kerberos ticket has expired: log on again, or run kinit';
  if (m.includes('clock skew'))
    return "this computer's clock differs from the domain's by more than 5 minutes";
  return `Kerberos could not make a token: ${message}`;
}
