// Builds the configuration from defaults < file < environment < flags (DECISIONS 42).
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isScalar, isSeq } from 'yaml';
import { cidrsOverlap } from '@kordon/core';
import { defaultConfig, optionSpecs, type GatewayConfig } from './options.js';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export interface ConfigSources {
  /** Option name → raw text, from the command line. */
  flags: Record<string, string | undefined>;
  env: Record<string, string | undefined>;
  file: string | undefined;
  defaults: { dataDir: string; nodeName: string };
}

function envName(option: string): string {
  return `KORDON_${option.toUpperCase().replace(/-/g, '_')}`;
}

export function loadConfig(sources: ConfigSources): GatewayConfig {
  const config = defaultConfig(sources.defaults);
  const fromFile = sources.file === undefined ? {} : readConfigFile(sources.file);
  for (const spec of optionSpecs) {
    const layers: [string, { text: string; where: string } | undefined][] = [
      ['file', fromFile[spec.name]],
      ['env', raw(sources.env[envName(spec.name)], `environment variable ${envName(spec.name)}`)],
      ['flag', raw(sources.flags[spec.name], `--${spec.name}`)],
    ];
    for (const [, value] of layers) {
      if (!value) continue;
      const parsed = spec.parse(value.text);
      if (!parsed.ok) throw new ConfigError(`${value.where}: ${parsed.message}`);
      (config as unknown as Record<string, unknown>)[spec.key] = parsed.value;
    }
  }
  config.databaseUrl = databaseUrlOf(config.databaseUrlFile, sources.env);
  checkTogether(config);
  return config;
}

/**
 * DECISIONS 22, 75: the PostgreSQL URL from `--database-url-file` (first) or KORDON_DATABASE_URL. Errors
 * name the file, never its content (it may hold a password).
 */
function databaseUrlOf(
  file: string | undefined,
  env: Record<string, string | undefined>,
): string | undefined {
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8').trim();
    } catch (e) {
      throw new ConfigError(
        `cannot read --database-url-file ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
    if (text === '')
      throw new ConfigError(`--database-url-file ${file} is empty: write the PostgreSQL URL in it`);
    return text;
  }
  const fromEnv = env['KORDON_DATABASE_URL'];
  return fromEnv === undefined || fromEnv.trim() === '' ? undefined : fromEnv.trim();
}

/** Rules between options, after every layer is applied. */
function checkTogether(config: GatewayConfig): void {
  // DECISIONS 16: tunnel addresses are never local, so the pool cannot lie in a local network.
  const pool = config.tunnelNetwork.network;
  const clash = config.localNetworks.find((local) => cidrsOverlap(local, pool));
  if (clash) {
    throw new ConfigError(
      `--tunnel-network ${pool.text} overlaps the local network ${clash.text} (--local-networks): tunnel addresses must never be local; choose a tunnel network outside the local networks (e.g. 100.64.0.0/16)`,
    );
  }
}

/** An unset or empty variable gives no value (the shell convention for "not set"). */
function raw(text: string | undefined, where: string): { text: string; where: string } | undefined {
  return text === undefined || text === '' ? undefined : { text, where };
}

/** Reads the YAML file into option name → text, naming file, line and key for every problem. */
function readConfigFile(file: string): Record<string, { text: string; where: string }> {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read the configuration file ${file}: ${(e as Error).message}`);
  }
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, uniqueKeys: true });
  const firstError = doc.errors[0];
  if (firstError) {
    const at = lines.linePos(firstError.pos[0]);
    throw new ConfigError(`${file}:${at.line}: ${firstError.message.split('\n')[0] ?? 'invalid YAML'}`);
  }
  const out: Record<string, { text: string; where: string }> = {};
  if (doc.contents === null) return out;
  if (!isMap(doc.contents))
    throw new ConfigError(`${file}: the configuration must be a mapping of option: value`);
  const known = new Set<string>(optionSpecs.map((s) => s.name));
  for (const pair of doc.contents.items) {
    const keyNode = pair.key;
    const line = isScalar(keyNode) ? lines.linePos(keyNode.range[0]).line : 0;
    const key = isScalar(keyNode) ? String(keyNode.value) : '';
    const where = `${file}:${line}: ${key}`;
    if (!known.has(key)) {
      throw new ConfigError(`${where}: unknown option; known options are ${[...known].join(', ')}`);
    }
    const value = pair.value;
    let text: string;
    if (isSeq(value)) {
      text = value.items.map((i) => (isScalar(i) ? String(i.value) : '')).join(',');
    } else if (isScalar(value) && ['string', 'number', 'boolean'].includes(typeof value.value)) {
      text = String(value.value);
    } else {
      throw new ConfigError(`${where}: needs a value`);
    }
    out[key] = { text, where };
  }
  return out;
}
