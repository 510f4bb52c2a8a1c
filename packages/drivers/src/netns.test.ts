import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Netns, link } from './netns.js';

describe('Netns', () => {
  let a: Netns;
  let b: Netns;
  beforeAll(async () => {
    a = await Netns.create('kdn-test-a');
    b = await Netns.create('kdn-test-b');
    await link(a, 'kdn-ta0', '198.18.250.1/24', b, 'kdn-tb0', '198.18.250.2/24');
  });
  afterAll(async () => {
    await a.remove();
    await b.remove();
  });

  it('links two hosts that reach each other and nothing else', async () => {
    const r = await a.run('ping', ['-c', '1', '-W', '2', '198.18.250.2']);
    expect(r.stdout).toContain('1 received');
    const routes = await a.run('ip', ['route']);
    expect(routes.stdout).not.toContain('default');
  });
});
