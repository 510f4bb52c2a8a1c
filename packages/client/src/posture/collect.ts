// Answers the gateway's `ztna` request (PROTOCOL.md "3. ZTNA: device posture"): runs the collectors
// of this platform that the request's `test_list` asks for, all at once, each within one time limit,
// and assembles the report field by field. A collector that fails, times out or does not exist on this
// platform leaves its field "not checked" as PROTOCOL.md says: an empty string, null, or the field
// left out; it never hangs the report, and never makes up a value.
import { ZTNA_KEYWORDS, type ZtnaKeyword } from '@kordon/protocol';
import { CommandNotFound, CommandTimedOut, nodePostureHost, seconds, type PostureHost } from './host.js';
import { linuxCollectors } from './linux.js';
import { macosCollectors } from './macos.js';
import type {
  PlatformCollectors,
  PostureLog,
  PostureReport,
  PostureRequest,
  Probe,
  ProductWants,
} from './types.js';
import { windowsCollectors } from './windows.js';

export interface CollectOptions {
  log?: PostureLog;
  host?: PostureHost;
  /** Each collector's time limit; all run in parallel. 5 s when absent. */
  timeLimitMs?: number;
  /** This platform's collectors; chosen by the host's platform when absent. */
  collectors?: PlatformCollectors;
}

const DEFAULT_TIME_LIMIT_MS = 5000;
const RACE_GRACE_MS = 100;
/** PROTOCOL.md's report limits (client-messages.ts): text 1024, registry values 4096, 256 products. */
const TEXT_MAX = 1024;
const VALUE_MAX = 4096;
const PRODUCTS_MAX = 256;

function clip(text: string, max = TEXT_MAX): string {
  return text.length <= max ? text : text.slice(0, max);
}

/**
 * A log that says each field's failure once: a message is written when it differs from the last one
 * written for that field, and forgotten when the field is collected again. Kept per log function, so
 * a session that passes the same `log` at every period hears about a broken collector once.
 */
const NOTES_MAX = 512;
const lastNotes = new WeakMap<PostureLog, Map<string, string>>();

function noteBook(log: PostureLog): Map<string, string> {
  let book = lastNotes.get(log);
  if (book === undefined) {
    book = new Map();
    lastNotes.set(log, book);
  }
  return book;
}

const KEYWORDS: readonly string[] = ZTNA_KEYWORDS;

function isKeyword(k: string): k is ZtnaKeyword {
  return KEYWORDS.includes(k);
}

type Outcome<T> = { ok: true; value: T } | { ok: false; why: string };

function why(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export async function collectPosture(
  request: PostureRequest,
  options: CollectOptions = {},
): Promise<PostureReport> {
  const host = options.host ?? nodePostureHost();
  const log: PostureLog = options.log ?? (() => undefined);
  const limit = options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS;
  const collectors = options.collectors ?? collectorsFor(host.platform);
  const book = noteBook(log);
  const started = host.now();
  const deadline = started + limit;

  const asked = new Set<ZtnaKeyword>();
  for (const raw of request.test_list) {
    const keyword = raw.trim();
    if (isKeyword(keyword)) asked.add(keyword);
    else
      noteOnce(
        `keyword ${raw}`,
        'info',
        `posture: the check ${JSON.stringify(raw)} is unknown to this client; ignored`,
      );
  }

  function noteOnce(field: string, level: 'info' | 'warn', message: string): void {
    if (book.get(field) === message) return;
    if (book.size >= NOTES_MAX) book.clear();
    book.set(field, message);
    log(level, message);
  }

  const sharedWork = new Map<string, Promise<unknown>>();
  const probe: Probe = {
    host,
    now: started,
    async run(command, args, stdin) {
      try {
        return await host.run(command, args, {
          timeoutMs: Math.max(1, deadline - host.now()),
          ...(stdin !== undefined ? { stdin } : {}),
        });
      } catch (e) {
        // Said with the collection's limit, not what was left of it: the same words every time.
        if (e instanceof CommandTimedOut) throw new CommandTimedOut(command, limit);
        throw e;
      }
    },
    async tryRun(command, args) {
      try {
        return await probe.run(command, args);
      } catch (e) {
        if (e instanceof CommandNotFound) return undefined;
        throw e;
      }
    },
    shared<T>(key: string, work: () => Promise<T>): Promise<T> {
      let p = sharedWork.get(key) as Promise<T> | undefined;
      if (p === undefined) {
        p = work();
        sharedWork.set(key, p);
      }
      return p;
    },
    note: (field, text) => {
      noteOnce(`${field}: ${text}`, 'warn', `posture: ${field}: ${text}`);
    },
  };

  /** Runs one collector within the deadline; a failure is logged once and leaves the field not checked. */
  async function bounded<T>(
    field: string,
    work: ((p: Probe) => Promise<T>) | undefined,
  ): Promise<T | undefined> {
    if (work === undefined) {
      noteOnce(field, 'info', `posture: ${field} is not checked ${collectors.where}`);
      return undefined;
    }
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<Outcome<T>>((resolve) => {
      timer = setTimeout(
        () => {
          resolve({ ok: false, why: `did not finish within ${seconds(limit)}` });
        },
        // A little after the deadline, so that a program cut at the deadline is the one named.
        Math.max(0, deadline - host.now()) + RACE_GRACE_MS,
      );
    });
    const done = (async (): Promise<Outcome<T>> => {
      try {
        return { ok: true, value: await work(probe) };
      } catch (e) {
        return { ok: false, why: why(e) };
      }
    })();
    const outcome = await Promise.race([done, expired]);
    clearTimeout(timer);
    if (outcome.ok) {
      book.delete(field);
      return outcome.value;
    }
    noteOnce(field, 'warn', `posture: ${field} not checked: ${outcome.why}`);
    return undefined;
  }

  const has = (k: ZtnaKeyword) => asked.has(k);
  const avWant: ProductWants = {
    active: has('av_active'),
    name: has('av_name'),
    version: has('av_version'),
    update: has('av_update'),
    scan: has('av_scan'),
  };
  const fwWant: ProductWants = {
    active: has('fw_active'),
    name: has('fw_name'),
    version: has('fw_version'),
    update: false,
    scan: false,
  };
  const anyAv = avWant.active || avWant.name || avWant.version || avWant.update || avWant.scan;
  const anyFw = fwWant.active || fwWant.name || fwWant.version;
  const c = collectors;
  /** The collector of a field with its list bound, or undefined when this platform has none. */
  function withList<T>(
    f: ((p: Probe, list: readonly string[]) => Promise<T>) | undefined,
    list: readonly string[],
  ): ((p: Probe) => Promise<T>) | undefined {
    return f && ((p) => f(p, list));
  }
  function withWant<T>(
    f: ((p: Probe, w: ProductWants) => Promise<T>) | undefined,
    w: ProductWants,
  ): ((p: Probe) => Promise<T>) | undefined {
    return f && ((p) => f(p, w));
  }
  const skip = Promise.resolve(undefined);

  const [osVersion, domain, kbList, antivirus, firewall, procList, serviceList, regKeyList] =
    await Promise.all([
      has('os_version') ? bounded('os_version', c.osVersion) : skip,
      has('domain') ? bounded('domain', c.domain) : skip,
      has('kb_list') ? bounded('kb_list', withList(c.kbList, request.kb_list)) : skip,
      anyAv ? bounded('antivirus', withWant(c.antivirus, avWant)) : skip,
      anyFw ? bounded('firewall', withWant(c.firewall, fwWant)) : skip,
      has('processes') ? bounded('proc_list', withList(c.processes, request.proc_list)) : skip,
      has('services') ? bounded('service_list', withList(c.services, request.service_list)) : skip,
      has('registry') ? bounded('reg_key_list', withList(c.registry, request.reg_key_list)) : skip,
    ]);

  const report: PostureReport = { node_name: clip(host.hostname()) };
  if (has('os_type') || has('os_version') || has('domain')) {
    report.operation_system = {
      type: has('os_type') ? c.osType : '',
      version: clip(osVersion ?? ''),
      domain: clip(domain ?? ''),
    };
  }
  if (kbList !== undefined) report.kb_list = kbList.map((k) => clip(k));
  if (antivirus !== undefined) {
    report.antivirus = antivirus.slice(0, PRODUCTS_MAX).map((e) => ({
      active: avWant.active && e.active,
      name: avWant.name ? clip(e.name) : '',
      version: avWant.version ? clip(e.version) : '',
      last_update: avWant.update ? days(e.last_update) : null,
      last_scan: avWant.scan ? days(e.last_scan) : null,
    }));
  }
  if (firewall !== undefined) {
    report.firewall = firewall.slice(0, PRODUCTS_MAX).map((e) => ({
      active: fwWant.active && e.active,
      name: fwWant.name ? clip(e.name) : '',
      version: fwWant.version ? clip(e.version) : '',
    }));
  }
  if (procList !== undefined) report.proc_list = procList;
  if (serviceList !== undefined) report.service_list = serviceList;
  if (regKeyList !== undefined) {
    report.reg_key_list = regKeyList.map((r) => ({ key: r.key, value: clip(r.value, VALUE_MAX) }));
  }
  return report;
}

function days(value: number | null): number | null {
  return value === null || !Number.isFinite(value) ? null : Math.max(0, Math.floor(value));
}

function collectorsFor(platform: NodeJS.Platform): PlatformCollectors {
  switch (platform) {
    case 'linux':
      return linuxCollectors;
    case 'win32':
      return windowsCollectors;
    case 'darwin':
      return macosCollectors;
    default:
      return { osType: '', where: `on ${platform}` };
  }
}
