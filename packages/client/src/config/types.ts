/** The shapes of profiles and of the administrator's JSON configuration (PROTOCOL.md, DECISIONS 24, 25). */

/** Where a profile came from: the administrator's JSON configuration, the user, or the client itself (SSO in a domain). */
type ProfileSource = 'json' | 'user' | 'auto';

/** How the gateway's certificate is checked beyond the system's CAs (DECISIONS 24). */
interface ProfilePinning {
  /** Absolute path to a PEM file of the CA that signed the gateway's certificate. */
  ca_file?: string;
  /** The gateway certificate's SHA-256 fingerprint, as the administrator wrote it (hex, with or without colons). */
  server_sha256?: string;
}

interface PasswordProfileData extends ProfilePinning {
  type: 'password';
  /** A host name or an IP address, optionally with `:port`. */
  server: string;
  /** `alice`, `CORP\alice` or `alice@corp.example`: the domain travels in the login (PROTOCOL.md). */
  login: string;
}

interface SsoProfileData extends ProfilePinning {
  type: 'sso';
  server: string;
}

export type ProfileData = PasswordProfileData | SsoProfileData;

export interface ProfileOptions {
  /** Selected by default when the client starts. At most one profile has it. */
  autoselect: boolean;
  /** Connects by itself. At most one profile has it, and it implies `autoselect` (DECISIONS 25). */
  autoconnect: boolean;
  /** The user may not change or remove the profile. */
  read_only: boolean;
}

export interface Profile {
  id: string;
  name: string;
  source: ProfileSource;
  data: ProfileData;
  profile_options: ProfileOptions;
}

export interface GuiClientOptions {
  /** Users may not save a password profile's password (so such a profile cannot auto-connect). */
  deny_save_profile_password: boolean;
  /** Users may not add profiles of their own. */
  deny_create_profiles: boolean;
}

export interface AdminConfig {
  profiles: Profile[];
  gui_client_options: GuiClientOptions;
}

/** One problem in a configuration file, with its place: line and column from 1, and an RFC 6901 pointer. */
export interface ConfigIssue {
  line: number;
  column: number;
  /** The JSON Pointer of the value at fault (of the missing key, when one is missing); `""` is the whole document. */
  pointer: string;
  /** For an administrator, place included: `line 4, column 9 (/profiles/0/data/typ): unknown key "typ"; ...`. */
  message: string;
}

/** The outcome of reading a configuration; `source` (a file name) is for messages that name the file. */
export type AdminConfigResult =
  { ok: true; config: AdminConfig } | { ok: false; source: string; issues: ConfigIssue[] };
