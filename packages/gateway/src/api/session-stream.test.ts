import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { SessionStream, type SessionSnapshot } from './session-stream.js';

/** Enough of a response for the stream: it writes and listens for close. */
function fakeResponse(): ServerResponse {
  const emitter = new EventEmitter();
  return Object.assign(emitter, {
    writeHead: () => emitter,
    write: () => true,
    end: () => emitter,
  }) as unknown as ServerResponse;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the sessions stream', () => {
  it('spaces its polls out when one takes long, so it takes at most a tenth of the time', async () => {
    let polls = 0;
    const stream = new SessionStream({
      snapshot: async (): Promise<SessionSnapshot> => {
        polls += 1;
        await sleep(60);
        return new Map();
      },
      logger: false,
      pollMs: 10,
    });
    stream.listen(fakeResponse(), () => Promise.resolve(true));
    await sleep(1300);
    stream.close();
    // 60 ms a poll: the next waits 540 ms; at 10 ms apart there would be about twenty.
    expect(polls).toBeGreaterThanOrEqual(2);
    expect(polls).toBeLessThanOrEqual(3);
    expect(stream.nextPollInMs()).toBeGreaterThanOrEqual(500);
  });

  it('polls at its interval while polls are quick', async () => {
    let polls = 0;
    const stream = new SessionStream({
      snapshot: () => {
        polls += 1;
        return Promise.resolve(new Map());
      },
      logger: false,
      pollMs: 20,
    });
    stream.listen(fakeResponse(), () => Promise.resolve(true));
    await sleep(500);
    stream.close();
    expect(polls).toBeGreaterThanOrEqual(10);
    expect(stream.nextPollInMs()).toBe(20);
  });
});
