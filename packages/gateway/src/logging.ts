// DECISIONS 74: JSON lines where machines read (stdout not a terminal, or --log-format json), readable
// single lines on a terminal (--log-format pretty): time, level, message, fields.
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { GatewayConfig } from './config/options.js';

export function createLogger(
  config: Pick<GatewayConfig, 'logLevel' | 'logFormat' | 'nodeName'>,
  fields: Record<string, unknown> = {},
  isTerminal: boolean = process.stdout.isTTY,
): Logger {
  const options = { level: config.logLevel, base: { node: config.nodeName, ...fields } };
  const readable = config.logFormat === 'pretty' || (config.logFormat === 'auto' && isTerminal);
  if (!readable) return pino(options);
  // In this process, synchronously: a worker thread would outlive a crash's last lines.
  const stream = pretty({
    colorize: isTerminal,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,node',
    singleLine: true,
    sync: true,
  });
  return pino(options, stream);
}
