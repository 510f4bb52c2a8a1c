// Server discovery: where a profile's server is (SRV, A/AAAA), which gateway answers (probe, 302),
// how its certificate is trusted (system, ca_file, pin), and installer downloads.
export { dnsDeps } from './resolve.js';
export { userGroups } from './ca-file.js';
export { tlsPolicyFor, webSocketTlsOptions } from './tls.js';
export { findGateway } from './probe.js';
export { downloadFile, resolveDownloadUrl } from './download.js';
