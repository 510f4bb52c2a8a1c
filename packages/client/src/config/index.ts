export {
  MAX_ADMIN_CONFIG_BYTES,
  formatConfigIssues,
  parseAdminConfig,
  readAdminConfigFile,
} from './admin-config.js';
export {
  AdminConfigStore,
  DEFAULT_ADMIN_CONFIG_PATH,
  type AdminConfigSource,
  type AdminConfigStoreOptions,
} from './admin-config-store.js';
export { ConfigError, type ConfigErrorCode } from './errors.js';
export { normalizeSha256Fingerprint, parseServerAddress, type ServerAddress } from './fields.js';
export {
  KRB5_CONF,
  KRB5_KEYTAB,
  SSSD_CONF,
  detectDomain,
  nodeFileReader,
  type DomainMembership,
  type FileReader,
} from './domain.js';
export {
  PROFILES_FILE,
  ProfileStore,
  userProfilesFolder,
  type NewProfile,
  type ProfileStoreOptions,
} from './profile-store.js';
export { ensureSsoProfile, type EnsureSsoProfileResult } from './sso-profile.js';
export type {
  AdminConfig,
  AdminConfigResult,
  ConfigIssue,
  GuiClientOptions,
  PasswordProfileData,
  Profile,
  ProfileData,
  ProfileOptions,
  ProfileSource,
  SsoProfileData,
} from './types.js';
