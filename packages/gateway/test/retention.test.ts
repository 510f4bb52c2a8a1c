// DECISIONS 23: the event log keeps events for --event-retention-days (default 90), not forever.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './support/gateway.js';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({ eventRetentionDays: 30 });
});

afterAll(async () => {
  await gw.dispose();
});

describe('event retention', () => {
  it('removes events older than the retention at start (and hourly), keeps the rest', async () => {
    const day = 86_400_000;
    const event = (daysAgo: number, detail: string) => ({
      at: new Date(Date.now() - daysAgo * day),
      kind: 'login' as const,
      account: 'alice',
      sourceAddress: '127.0.0.1',
      detail,
    });
    await gw.store.events.append(event(31, 'old'));
    await gw.store.events.append(event(29, 'recent'));
    await gw.stop();
    await gw.restart();
    const details = (await gw.store.events.list(100)).map((e) => e.detail);
    expect(details).toContain('recent');
    expect(details).not.toContain('old');
  });
});
