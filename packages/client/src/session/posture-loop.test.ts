import { describe, expect, it } from 'vitest';
import type { ZtnaRequest } from '@kordon/protocol';
import { PostureLoop } from './posture-loop.js';

const request = (period: number): ZtnaRequest => ({
  type: 'ztna',
  period,
  test_list: ['processes'],
  kb_list: [],
  proc_list: ['osqueryd', 'sshd'],
  service_list: [],
  reg_key_list: [],
});

function harness() {
  let running: string[] = ['sshd'];
  const sent: Record<string, unknown>[] = [];
  const timers: { ms: number; run: () => void; stopped: boolean }[] = [];
  const loop = new PostureLoop({
    collect: (r) =>
      Promise.resolve({ node_name: 'ws1', proc_list: r.proc_list.filter((p) => running.includes(p)) }),
    send: (report) => sent.push(report),
    log: () => undefined,
    every: (ms, run) => {
      const t = { ms, run, stopped: false };
      timers.push(t);
      return { stop: () => (t.stopped = true) };
    },
  });
  const tick = async (): Promise<void> => {
    for (const t of timers.filter((x) => !x.stopped)) t.run();
    await loop.checkNow(); // waits for the queued collection
  };
  return { loop, sent, timers, tick, set: (names: string[]) => (running = names) };
}

describe('the posture loop (DECISIONS 11)', () => {
  it('answers a request in full, then sends nothing while nothing changes', async () => {
    const h = harness();
    await h.loop.onRequest(request(5));
    expect(h.sent).toStrictEqual([{ node_name: 'ws1', proc_list: ['sshd'] }]);
    expect(h.timers.map((t) => t.ms)).toStrictEqual([300_000]);
    await h.tick();
    await h.tick();
    expect(h.sent).toHaveLength(1);
  });

  it('sends the full set again when something changed, once', async () => {
    const h = harness();
    await h.loop.onRequest(request(1));
    h.set(['sshd', 'osqueryd']);
    await h.tick();
    await h.tick();
    expect(h.sent).toStrictEqual([
      { node_name: 'ws1', proc_list: ['sshd'] },
      { node_name: 'ws1', proc_list: ['osqueryd', 'sshd'] },
    ]);
  });

  it('answers every request in full even when unchanged, and period 0 collects once', async () => {
    const h = harness();
    await h.loop.onRequest(request(0));
    await h.loop.onRequest(request(0));
    expect(h.sent).toHaveLength(2);
    expect(h.timers).toStrictEqual([]);
  });

  it('checks now: the report, and whether it went out', async () => {
    const h = harness();
    expect(await h.loop.checkNow()).toBeUndefined();
    await h.loop.onRequest(request(60));
    expect(await h.loop.checkNow()).toStrictEqual({
      report: { node_name: 'ws1', proc_list: ['sshd'] },
      sent: false,
    });
    h.set([]);
    expect(await h.loop.checkNow()).toStrictEqual({
      report: { node_name: 'ws1', proc_list: [] },
      sent: true,
    });
  });

  it('a new request replaces the period, and stop ends it', async () => {
    const h = harness();
    await h.loop.onRequest(request(5));
    await h.loop.onRequest(request(10));
    expect(h.timers.map((t) => [t.ms, t.stopped])).toStrictEqual([
      [300_000, true],
      [600_000, false],
    ]);
    h.loop.stop();
    expect(h.timers[1]?.stopped).toBe(true);
  });
});
