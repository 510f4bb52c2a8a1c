// Kordon's nftables table, applied with `nft -f -` (scripts on stdin, one transaction each), and
// single grants and revokes through a long-lived `nft -i` (session.ts), one transaction a line.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClosedFirewallConfig, FirewallConfig, FirewallDriver } from '@kordon/core';
import type { Netns } from '../netns.js';
import { CommandError, runCommand, type RunResult } from '../process.js';
import { splitAddresses, validateTableName } from './addresses.js';
import {
  EXEMPT_SETS,
  IPV4_SET,
  IPV6_SET,
  profileKeysOfRules,
  renderAllow,
  renderBootRuleset,
  renderClosedRuleset,
  renderExemptions,
  renderRemove,
  renderRevoke,
  renderRevokeAll,
  renderRuleset,
  type BootFirewallConfig,
} from './ruleset.js';
import { interactiveLine, NftRefusedError, NftSession } from './session.js';

export interface NftablesFirewallOptions {
  /** Kordon's table in the `inet` family (default "kordon"). */
  table?: string;
  /** Runs nft inside this network namespace (tests). */
  netns?: Netns;
  /** The nft program (default "nft", found on PATH). */
  nftCommand?: string;
  log?: (msg: string) => void;
}

/** nft is missing or refused a script; the message says what was being done and what nft said. */
export class NftablesError extends Error {
  override readonly name = 'NftablesError';
}

const MAX_DETAIL = 2000;
/**
 * Changes up to this size go through the long-lived `nft -i` (session.ts): one grant or revoke in
 * under a millisecond instead of a process each. Larger ones (a bulk load) go through `nft -f -`, where
 * the process is a small part of the cost and nft's history does not hold the script.
 */
const SESSION_SCRIPT_MAX = 16 * 1024;

function describeFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Direct spawn says ENOENT; through `ip netns exec` it is `exec of "nft" failed`.
  const missing =
    error instanceof CommandError &&
    /spawn \S+ ENOENT|exec of ".*" failed: No such file or directory/.test(message);
  const detail = message.length > MAX_DETAIL ? `${message.slice(0, MAX_DETAIL)}...` : message;
  return missing ? `nft is not installed (the nftables package): ${detail}` : detail;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * One element of `nft -j` output as text: "a", {"elem":{"val":...}}, and in interval sets
 * {"prefix":{"addr":"a","len":24}} ("a/24") or {"range":["a","b"]} ("a-b", what auto-merge makes
 * of adjacent networks that do not form one prefix).
 */
function elementText(element: unknown): string | undefined {
  if (typeof element === 'string') return element;
  if (!isRecord(element)) return undefined;
  if (isRecord(element.elem)) return elementText(element.elem.val);
  if (isRecord(element.prefix)) {
    const { addr, len } = element.prefix;
    return typeof addr === 'string' && typeof len === 'number' ? `${addr}/${len}` : undefined;
  }
  if (Array.isArray(element.range) && element.range.length === 2) {
    const [low, high] = element.range as unknown[];
    return typeof low === 'string' && typeof high === 'string' ? `${low}-${high}` : undefined;
  }
  return undefined;
}

/** The elements of one set in `nft -j list table` output. */
function setElements(listing: unknown[], setName: string): string[] {
  for (const entry of listing) {
    if (!isRecord(entry) || !isRecord(entry.set) || entry.set.name !== setName) continue;
    const elements = entry.set.elem ?? [];
    if (!Array.isArray(elements)) throw new Error(`set ${setName}: "elem" is not a list`);
    return elements.map((element: unknown) => {
      const text = elementText(element);
      if (text === undefined)
        throw new Error(`set ${setName}: unexpected element ${JSON.stringify(element)}`);
      return text;
    });
  }
  throw new Error(`set ${setName} is missing`);
}

/** A listing is read again, this many times at most, while it comes out torn (tornSets). */
const LISTING_ATTEMPTS = 5;

/**
 * The sets of an `nft -j list` output in which an element appears twice. The kernel lists a big set
 * in several messages, each resuming after as many elements as were sent; a hash set resized between
 * two of them (it grows or shrinks in the background after big changes) comes out with some elements
 * twice and as many missing. Measured after a load of 100,000 on a busy machine (docs/benchmarks.md, S5).
 */
export function tornSets(listing: readonly unknown[]): string[] {
  const torn: string[] = [];
  for (const entry of listing) {
    if (!isRecord(entry) || !isRecord(entry.set) || !Array.isArray(entry.set.elem)) continue;
    const elements = entry.set.elem.map((element: unknown) => JSON.stringify(element));
    if (new Set(elements).size !== elements.length) torn.push(String(entry.set.name));
  }
  return torn;
}

/** The exemption sets as the kernel has them (merged by auto-merge, so not always as given). */
export interface KernelExemptions {
  exemptFrom: string[];
  exemptTo: string[];
}

function describeExemptions(exemptFrom: readonly string[], exemptTo: readonly string[]): string {
  return `; ${exemptFrom.length} exempt sources, ${exemptTo.length} exempt destinations`;
}

/**
 * The FirewallDriver on nftables. Operations run one after another in call order, so an `allow`
 * followed at once by a `revoke` of the same address can never be applied the other way round.
 */
export class NftablesFirewall implements FirewallDriver {
  readonly kind = 'nftables';
  readonly table: string;
  private readonly netns: Netns | undefined;
  private readonly nftCommand: string;
  private readonly log: (msg: string) => void;
  private queue: Promise<unknown> = Promise.resolve();
  /** Undefined once `nft -i` proved unusable here (an nft built without it): every change is then `nft -f -`. */
  private session: NftSession | undefined;
  /** Session processes that failed before the session ever completed a command. */
  private sessionFailures = 0;
  /** The profile keys of the installed table's profile sets, by set number (ruleset.ts). */
  private profileKeys: readonly string[] = [];

  constructor(options: NftablesFirewallOptions = {}) {
    this.table = validateTableName(options.table ?? 'kordon');
    this.netns = options.netns;
    this.nftCommand = options.nftCommand ?? 'nft';
    this.log = options.log ?? (() => undefined);
    this.session = new NftSession({
      argv: [...(this.netns ? this.netns.execPrefix() : []), this.nftCommand, '-i'],
    });
  }

  async install(config: FirewallConfig): Promise<void> {
    const script = renderRuleset(config, this.table);
    const keys = profileKeysOfRules(config.accessRules);
    await this.serially(async () => {
      await this.apply(script, `install table inet ${this.table}`);
      this.profileKeys = keys;
    });
    const rules = config.accessRules.length;
    this.log(
      `nftables: installed table inet ${this.table} enforcing ${[config.tunnelInterface, ...config.enforcedInterfaces].join(', ')} with ${config.authorized.length} authorized addresses${rules > 0 ? `, ${rules} access rules over ${keys.length} profiles` : ''}${describeExemptions(config.exemptFrom, config.exemptTo)}`,
    );
  }

  /**
   * Installs the boot table (DECISIONS 70): forwarding entering on `config.enforcedInterfaces`
   * is dropped except for the exemptions, until `install` replaces the table.
   */
  async installBoot(config: BootFirewallConfig): Promise<void> {
    const script = renderBootRuleset(config, this.table);
    await this.serially(async () => {
      await this.apply(script, `install the boot table inet ${this.table}`);
      this.profileKeys = [];
    });
    this.log(
      `nftables: installed the boot table inet ${this.table} closing ${config.enforcedInterfaces.join(', ')}${describeExemptions(config.exemptFrom, config.exemptTo)}`,
    );
  }

  async installClosed(config: ClosedFirewallConfig): Promise<void> {
    const script = renderClosedRuleset(config, this.table);
    // Queued like every change, so an allow issued before it can never land after it.
    await this.serially(async () => {
      await this.apply(script, `install the closed table inet ${this.table}`);
      this.profileKeys = [];
    });
    this.log(
      `nftables: installed the closed table inet ${this.table}: nothing authorized${describeExemptions(config.exemptFrom, config.exemptTo)}`,
    );
  }

  async setExemptions(exemptFrom: string[], exemptTo: string[]): Promise<void> {
    const script = renderExemptions(exemptFrom, exemptTo, this.table);
    await this.serially(() =>
      this.apply(
        script,
        `replace the exemptions of table inet ${this.table} (${exemptFrom.length} from, ${exemptTo.length} to)`,
      ),
    );
  }

  /** The exemption sets as the kernel has them, IPv4 first. */
  async exemptions(): Promise<KernelExemptions> {
    const listing = await this.listTable(`list the exemption sets of table inet ${this.table}`);
    return {
      exemptFrom: [...listing(EXEMPT_SETS.from4), ...listing(EXEMPT_SETS.from6)],
      exemptTo: [...listing(EXEMPT_SETS.to4), ...listing(EXEMPT_SETS.to6)],
    };
  }

  async allow(addresses: string[], profiles: Record<string, readonly string[]> = {}): Promise<void> {
    // Validated before it queues; rendered when its turn comes, against the table installed then.
    splitAddresses([...addresses, ...Object.keys(profiles)]);
    await this.serially(async () => {
      const script = renderAllow(addresses, this.table, this.profileKeys, profiles);
      if (script === '') return;
      await this.change(script, `add ${addresses.length} addresses to table inet ${this.table}`);
    });
  }

  async revoke(addresses: string[]): Promise<void> {
    splitAddresses(addresses);
    await this.serially(async () => {
      const script = renderRevoke(addresses, this.table, this.profileKeys.length);
      if (script === '') return;
      await this.change(script, `remove ${addresses.length} addresses from table inet ${this.table}`);
    });
  }

  async authorized(): Promise<string[]> {
    const listing = await this.listTable(`list the authorized sets of table inet ${this.table}`);
    return [...listing(IPV4_SET), ...listing(IPV6_SET)];
  }

  async revokeAll(): Promise<void> {
    const script = renderRevokeAll(this.table);
    await this.serially(() => this.apply(script, `empty the authorized sets of table inet ${this.table}`));
  }

  async remove(): Promise<void> {
    const script = renderRemove(this.table);
    await this.serially(async () => {
      await this.apply(script, `delete table inet ${this.table}`);
      this.session?.close();
    });
    this.log(`nftables: removed table inet ${this.table}`);
  }

  /**
   * One listing of the table, so every set read from it is from the same moment; the result gives
   * a set's elements in the kernel's own text (nft prints IPv6 like inet_ntop), not re-normalized.
   */
  private async listTable(action: string): Promise<(setName: string) => string[]> {
    const fail = (error: unknown): NftablesError =>
      new NftablesError(
        `nftables: could not ${action}: unexpected output of nft -j (${error instanceof Error ? error.message : String(error)})`,
        { cause: error },
      );
    for (let attempt = 1; ; attempt++) {
      const { stdout } = await this.serially(() =>
        this.nft(['-j', 'list', 'table', 'inet', this.table], action),
      );
      let listing: unknown[];
      try {
        const parsed: unknown = JSON.parse(stdout);
        if (!isRecord(parsed) || !Array.isArray(parsed.nftables)) throw new Error('no "nftables" list');
        listing = parsed.nftables;
      } catch (error) {
        throw fail(error);
      }
      const torn = tornSets(listing);
      if (torn.length > 0) {
        if (attempt < LISTING_ATTEMPTS) {
          await sleep(50 * attempt);
          continue;
        }
        throw fail(
          new Error(
            `${torn.join(', ')} listed elements twice ${LISTING_ATTEMPTS} times (resized while listed)`,
          ),
        );
      }
      return (setName) => {
        try {
          return setElements(listing, setName);
        } catch (error) {
          throw fail(error);
        }
      };
    }
  }

  private serially<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation, operation);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * A grant or revoke: through the session when small. A session whose process failed (died, hung)
   * may or may not have applied the change, so it is applied again with `nft -f -`: every change
   * script is idempotent (renderAllow, renderRevoke), and a dead process applies nothing later.
   */
  private async change(script: string, action: string): Promise<void> {
    const session = this.session;
    if (session === undefined || script.length > SESSION_SCRIPT_MAX) return this.apply(script, action);
    const line = interactiveLine(script);
    try {
      await session.run(line);
      return;
    } catch (error) {
      if (error instanceof NftRefusedError) {
        throw new NftablesError(`nftables: could not ${action}: ${describeFailure(error)}`, { cause: error });
      }
      if (!session.worked && ++this.sessionFailures >= 2) {
        this.session = undefined;
        this.log(`nftables: nft -i is not usable, every change runs nft -f - (${describeFailure(error)})`);
      } else {
        this.log(`nftables: the nft -i process failed, applying with nft -f - (${describeFailure(error)})`);
      }
    }
    await this.apply(script, action);
  }

  private async apply(script: string, action: string): Promise<void> {
    await this.nft(['-f', '-'], action, script);
  }

  private async nft(args: string[], action: string, stdin?: string): Promise<RunResult> {
    const options = stdin === undefined ? {} : { stdin };
    try {
      return this.netns
        ? await this.netns.run(this.nftCommand, args, options)
        : await runCommand(this.nftCommand, args, options);
    } catch (error) {
      throw new NftablesError(`nftables: could not ${action}: ${describeFailure(error)}`, { cause: error });
    }
  }
}
