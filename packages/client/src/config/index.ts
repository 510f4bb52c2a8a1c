// The client's configuration: the administrator's JSON file, per-user profiles, domain membership.
export { formatConfigIssues } from './admin-config.js';
export { AdminConfigStore } from './admin-config-store.js';
export { ConfigError } from './errors.js';
export { parseServerAddress } from './fields.js';
export { KRB5_CONF, detectDomain, krb5DefaultRealm, nodeFileReader } from './domain.js';
export { ProfileStore, userProfilesFolder } from './profile-store.js';
export { ensureSsoProfile } from './sso-profile.js';
export type { Profile, ProfileData } from './types.js';
export { DeviceVpnStore, type DeviceVpnConfig } from './device-vpn.js';
export { readDeviceCertificate } from './device-certificate.js';
