// DECISIONS 74: JSON lines where machines read (stdout not a terminal, or --log-format json), readable
// single lines on a terminal (--log-format pretty): time, level, message, fields. The gateway and the
// client daemon log the same way.
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type LogFormat = 'auto' | 'json' | 'pretty';

export interface LoggerOptions {
  level: string;
  format: LogFormat;
  /** Fields on every line (the node, the worker). */
  base?: Record<string, unknown>;
  /** Fields the readable form leaves out (they are on every line, so they say nothing there). */
  hideWhenReadable?: string[];
  /** Where the lines go; standard output when absent. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions, isTerminal: boolean = process.stdout.isTTY): Logger {
  const settings = { level: options.level, base: options.base ?? {} };
  const readable = options.format === 'pretty' || (options.format === 'auto' && isTerminal);
  if (!readable) return options.destination ? pino(settings, options.destination) : pino(settings);
  // In this process, synchronously: a worker thread would outlive a crash's last lines.
  const stream = pretty({
    colorize: isTerminal,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: ['pid', 'hostname', ...(options.hideWhenReadable ?? [])].join(','),
    singleLine: true,
    sync: true,
    ...(options.destination ? { destination: options.destination } : {}),
  });
  return pino(settings, stream);
}

export type { Logger };
