// The shapes the posture collectors share: the report's parts, what a collector gets (a Probe) and
// what one platform provides (PlatformCollectors).
import type { ZtnaReport, ZtnaRequest } from '@kordon/protocol';
import type { CommandResult, PostureHost } from './host.js';

/** The `ztna` message without its `type`: what the session engine sends. */
export type PostureReport = Omit<ZtnaReport, 'type'>;
export type AntivirusEntry = NonNullable<ZtnaReport['antivirus']>[number];
export type FirewallEntry = NonNullable<ZtnaReport['firewall']>[number];
export type RegistryEntry = NonNullable<ZtnaReport['reg_key_list']>[number];

/** A request as it may come from elsewhere than the parser: keywords untrimmed or unknown (DECISIONS 10). */
export type PostureRequest = Pick<ZtnaRequest, 'kb_list' | 'proc_list' | 'service_list' | 'reg_key_list'> & {
  test_list: readonly string[];
};

export type PostureLog = (level: 'info' | 'warn' | 'error', message: string) => void;

/** Which parts of a product entry were asked; the others are not collected. */
export interface ProductWants {
  active: boolean;
  name: boolean;
  version: boolean;
  update: boolean;
  scan: boolean;
}

/** What a collector gets: the host, commands bounded by the collection's deadline, shared results. */
export interface Probe {
  readonly host: PostureHost;
  /** When the collection started (ms since the epoch): ages are counted from it. */
  readonly now: number;
  /** Runs a program within what is left of the time limit. */
  run(command: string, args: readonly string[], stdin?: string): Promise<CommandResult>;
  /** Like run, but undefined when the program is not installed. */
  tryRun(command: string, args: readonly string[]): Promise<CommandResult | undefined>;
  /** One result per collection for work several collectors need (the process list, the OS facts). */
  shared<T>(key: string, work: () => Promise<T>): Promise<T>;
  /** Something a collector could not tell, logged once (not at every period). */
  note(field: string, why: string): void;
}

/** One platform's collectors; a missing one means "not checked on this platform". */
export interface PlatformCollectors {
  osType: 'Linux' | 'Windows' | 'MacOS' | '';
  /** Why the missing collectors are missing, for the log: "on Linux". */
  where: string;
  osVersion?: (p: Probe) => Promise<string>;
  domain?: (p: Probe) => Promise<string>;
  /** The asked updates that are installed. */
  kbList?: (p: Probe, asked: readonly string[]) => Promise<string[]>;
  /** One entry per installed product; [] when none is. */
  antivirus?: (p: Probe, want: ProductWants) => Promise<AntivirusEntry[]>;
  firewall?: (p: Probe, want: ProductWants) => Promise<FirewallEntry[]>;
  /** The asked processes that are running. */
  processes?: (p: Probe, asked: readonly string[]) => Promise<string[]>;
  /** The asked services that are running. */
  services?: (p: Probe, asked: readonly string[]) => Promise<string[]>;
  /** The asked registry values that exist, with their values. */
  registry?: (p: Probe, asked: readonly string[]) => Promise<RegistryEntry[]>;
}

/** Whole days from `then` to `now` (ms since the epoch); 0 for a time in the future. */
export function daysSince(then: number, now: number): number {
  return Math.max(0, Math.floor((now - then) / 86_400_000));
}
