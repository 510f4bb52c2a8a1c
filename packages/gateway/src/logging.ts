// The gateway's logger (DECISIONS 74), from its configuration.
import { createLogger as createLogLines, type Logger } from '@kordon/drivers';
import type { GatewayConfig } from './config/options.js';

export function createLogger(
  config: Pick<GatewayConfig, 'logLevel' | 'logFormat' | 'nodeName'>,
  fields: Record<string, unknown> = {},
  isTerminal: boolean = process.stdout.isTTY,
): Logger {
  return createLogLines(
    {
      level: config.logLevel,
      format: config.logFormat,
      base: { node: config.nodeName, ...fields },
      hideWhenReadable: ['node'],
    },
    isTerminal,
  );
}
