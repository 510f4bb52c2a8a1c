export { CommandError, runCommand, type RunOptions, type RunResult } from './process.js';
export { Netns, link } from './netns.js';
export { certificateArgs, type CertificateRequest } from './openssl.js';
export * from './nftables/index.js';
export * from './wireguard/index.js';
export { createLogger, type LogFormat, type Logger, type LoggerOptions } from './logging.js';
