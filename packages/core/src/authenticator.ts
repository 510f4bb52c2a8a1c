// The login-method port: credentials in, an identity or a failure out. The local argon2id accounts
// are one implementation (gateway/src/auth/local.ts); LDAP, Kerberos, NTLM and device certificates
// are further ones. Single-step methods implement `authenticate`; the `sso` exchange's methods
// (Kerberos, NTLM) implement `begin` and `step`, their state bound to the exchange's session token.
import type { AuthMethod } from './model.js';

/** An account as its method knows it now: looked up at login, at resume and at every re-check. */
export interface Identity {
  /** The normalized account name (DECISIONS 14): what sessions, rules and limits are keyed by. */
  account: string;
  method: AuthMethod;
  /** Groups the account belongs to, as VPN-access rules name them. */
  groups: string[];
  displayName: string | null;
  disabled: boolean;
}

/**
 * Why a method refused. `credentials`: unknown and wrong look the same (DECISIONS 15); `disabled`: the
 * password was right but the account may not log in (disabled, locked, expired), in its own words.
 */
export interface AuthRefusal {
  ok: false;
  reason: 'credentials' | 'disabled';
  /** For the event log, never for the client. */
  detail: string;
  /** For `disabled`: the words the user reads. */
  what?: string;
}

export type AuthResult = { ok: true; identity: Identity } | AuthRefusal;

export interface PasswordCredentials {
  login: string;
  password: string;
}

/** One step of a multi-step exchange: a token to send back, the identity, or a refusal. */
export type StepResult =
  | { kind: 'continue'; token: string }
  | { kind: 'done'; identity: Identity; token: string | null }
  | { kind: 'failed'; refusal: AuthRefusal };

export interface Authenticator {
  readonly method: AuthMethod;
  /**
   * The account's current state, or undefined when it no longer exists. Resume and every re-check after
   * an administrative change ask this (DECISIONS 66, 67): a session never outlives its account.
   */
  lookup(account: string): Promise<Identity | undefined>;
}

export interface PasswordAuthenticator extends Authenticator {
  authenticate(credentials: PasswordCredentials): Promise<AuthResult>;
}

export interface MultiStepAuthenticator extends Authenticator {
  /** Starts an exchange under `sessionToken` with the client's first token. */
  begin(sessionToken: string, token: string): Promise<StepResult>;
  /** Continues the exchange that `sessionToken` names; an unknown token is a failure. */
  step(sessionToken: string, token: string): Promise<StepResult>;
  /** Forgets an exchange (the connection closed, or the deadline passed). */
  abandon(sessionToken: string): void;
}

/** What a device presented in its mutual-TLS handshake (DECISIONS 77): PEM certificates, leaf first. */
export interface PresentedCertificates {
  leaf: string;
  /** The intermediates the device sent with its leaf, in its order. */
  chain: string[];
}

/** A device certificate's verdict: the identity, or which check failed, in words for the device's log. */
export type CertificateResult =
  { ok: true; identity: Identity } | { ok: false; reason: 'certificate'; what: string };

export interface CertificateAuthenticator extends Authenticator {
  /** `presented` is null when the connection carried no client certificate. */
  authenticate(presented: PresentedCertificates | null): Promise<CertificateResult>;
}

/**
 * The method's backend could not be asked (the directory is down): the login is answered `internal`
 * (DECISIONS 61) with `what` in words, never allowed, and not counted as a failed guess.
 */
export class AuthUnavailable extends Error {
  override readonly name: string = 'AuthUnavailable';

  constructor(
    /** For the user: what could not be reached, without addresses or details. */
    readonly what: string,
    /** For the log. */
    detail: string,
  ) {
    super(detail);
  }
}
