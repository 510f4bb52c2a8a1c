// Certificate authorities for tests, made with `openssl ca` (argv arrays only): each keeps its own
// database so it can issue certificates with chosen dates and extensions, revoke them and write CRLs.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { certificateArgs } from '@kordon/drivers';

export interface IssuedCertificate {
  name: string;
  cert: string;
  certFile: string;
  key: string;
  keyFile: string;
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** openssl's date form: YYYYMMDDHHMMSSZ. */
function asn1Time(date: Date): string {
  return `${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

const day = 86_400_000;

export interface IssueOptions {
  /** The SAN DNS name (none when null). */
  dns: string | null;
  extendedKeyUsage?: string;
  keyUsage?: string;
  notBefore?: Date;
  notAfter?: Date;
  /** Issue a CA certificate (an intermediate) instead of a leaf. */
  ca?: boolean;
}

export class TestCa {
  readonly dir: string;
  readonly certFile: string;
  readonly keyFile: string;
  private readonly config: string;

  private constructor(
    readonly root: string,
    readonly name: string,
  ) {
    this.dir = join(root, name.replace(/[^A-Za-z0-9]+/g, '-').toLowerCase());
    this.certFile = join(this.dir, 'ca.pem');
    this.keyFile = join(this.dir, 'ca.key');
    this.config = join(this.dir, 'openssl.cnf');
    mkdirSync(join(this.dir, 'issued'), { recursive: true });
    writeFileSync(join(this.dir, 'index.txt'), '');
    // openssl reads the serial file as hex pairs: an odd number of digits (about one CA in twenty with the
    // earlier random number) fails the first issue. Sixteen digits, positive.
    writeFileSync(join(this.dir, 'serial'), `01${randomBytes(7).toString('hex')}\n`);
    writeFileSync(join(this.dir, 'crlnumber'), '01\n');
    writeFileSync(
      this.config,
      [
        '[ca]',
        'default_ca = test',
        '[test]',
        `database = ${join(this.dir, 'index.txt')}`,
        `new_certs_dir = ${join(this.dir, 'issued')}`,
        `serial = ${join(this.dir, 'serial')}`,
        `crlnumber = ${join(this.dir, 'crlnumber')}`,
        `certificate = ${this.certFile}`,
        `private_key = ${this.keyFile}`,
        'default_md = sha256',
        'default_days = 2',
        'default_crl_days = 2',
        'policy = anything',
        'unique_subject = no',
        'email_in_dn = no',
        '[anything]',
        'commonName = supplied',
        '',
      ].join('\n'),
    );
  }

  get cert(): string {
    return readFileSync(this.certFile, 'utf8');
  }

  /** A self-signed root CA. */
  static root(root: string, name: string): TestCa {
    const ca = new TestCa(root, name);
    openssl(
      certificateArgs({
        keyFile: ca.keyFile,
        certFile: ca.certFile,
        days: 3,
        subject: `/CN=${name}`,
        extensions: ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign'],
      }),
    );
    return ca;
  }

  /** A CA this one issues. */
  intermediate(name: string): TestCa {
    const child = new TestCa(this.root, name);
    const issued = this.issue(name, { dns: null, ca: true });
    writeFileSync(child.certFile, issued.cert);
    writeFileSync(child.keyFile, issued.key, { mode: 0o600 });
    return child;
  }

  /** A certificate: by default a device's (clientAuth, digitalSignature), valid from yesterday for two days. */
  issue(name: string, o: IssueOptions): IssuedCertificate {
    const keyFile = join(this.dir, `${name}.key`);
    const csr = join(this.dir, `${name}.csr`);
    const certFile = join(this.dir, `${name}.pem`);
    const ext = join(this.dir, `${name}.ext`);
    openssl([
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      csr,
      '-subj',
      `/CN=${name}`,
    ]);
    const lines = o.ca
      ? ['basicConstraints = critical, CA:TRUE', 'keyUsage = critical, keyCertSign, cRLSign']
      : [
          'basicConstraints = CA:FALSE',
          `keyUsage = critical, ${o.keyUsage ?? 'digitalSignature'}`,
          `extendedKeyUsage = ${o.extendedKeyUsage ?? 'clientAuth'}`,
          ...(o.dns === null ? [] : [`subjectAltName = DNS:${o.dns}`]),
        ];
    writeFileSync(ext, `[ext]\n${lines.join('\n')}\n`);
    const now = Date.now();
    openssl([
      'ca',
      '-batch',
      '-notext',
      '-config',
      this.config,
      '-in',
      csr,
      '-out',
      certFile,
      '-extfile',
      ext,
      '-extensions',
      'ext',
      '-startdate',
      asn1Time(o.notBefore ?? new Date(now - day)),
      '-enddate',
      asn1Time(o.notAfter ?? new Date(now + 2 * day)),
    ]);
    return {
      name,
      cert: readFileSync(certFile, 'utf8'),
      certFile,
      key: readFileSync(keyFile, 'utf8'),
      keyFile,
    };
  }

  revoke(cert: IssuedCertificate): void {
    openssl(['ca', '-config', this.config, '-revoke', cert.certFile]);
  }

  /** The CA's current CRL, PEM. */
  crl(): string {
    const file = join(this.dir, 'crl.pem');
    openssl(['ca', '-config', this.config, '-gencrl', '-out', file]);
    return readFileSync(file, 'utf8');
  }
}

/** A self-signed device certificate: right in every field, issued by nobody the gateway trusts. */
export function selfSigned(dir: string, name: string, dns: string): IssuedCertificate {
  const keyFile = join(dir, `${name}.key`);
  const certFile = join(dir, `${name}.pem`);
  openssl(
    certificateArgs({
      keyFile,
      certFile,
      days: 2,
      subject: `/CN=${name}`,
      extensions: [
        `subjectAltName=DNS:${dns}`,
        'extendedKeyUsage=clientAuth',
        'keyUsage=critical,digitalSignature',
      ],
    }),
  );
  return {
    name,
    cert: readFileSync(certFile, 'utf8'),
    certFile,
    key: readFileSync(keyFile, 'utf8'),
    keyFile,
  };
}
