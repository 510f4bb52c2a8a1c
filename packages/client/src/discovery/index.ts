// Server discovery: where a profile's server is (SRV, A/AAAA), which gateway answers (probe, 302),
// how its certificate is trusted (system, ca_file, pin), and installer downloads.
export {
  type CandidateFailure,
  ClientError,
  type ClientErrorCode,
  type ClientErrorDetails,
  busy,
  isClientError,
  parseRetryAfter,
} from './errors.js';
export { orderSrvRecords, type SrvRecord, type SrvTarget } from './srv.js';
export {
  type Candidate,
  connectionLookup,
  defaultGatewayPort,
  dnsDeps,
  type DnsDeps,
  type DnsOptions,
  parseServer,
  resolveCandidates,
  type ServerAddress,
} from './resolve.js';
export {
  connectVerified,
  normalizeFingerprint,
  type ProfileTlsFields,
  tlsOptions,
  type TlsPolicy,
  tlsPolicyFor,
  type VerifiedConnectOptions,
  type VerifiedTlsOptions,
  webSocketTlsOptions,
} from './tls.js';
export { findGateway, type FindGatewayDeps, type Gateway, maxRedirects, webSocketUrl } from './probe.js';
export { type DownloadedFile, type DownloadOptions, downloadFile, resolveDownloadUrl } from './download.js';
