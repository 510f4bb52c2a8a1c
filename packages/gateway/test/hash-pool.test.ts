import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { HashPool, type Argon2Parameters } from '../src/auth/hash-pool.js';
import { Argon2idHasher } from '../src/auth/password.js';

const run = promisify(execFile);

function parameters(message: string, memory = 19_456): Argon2Parameters {
  return { message, nonce: Buffer.alloc(16, 7), memory, passes: 2, parallelism: 1, tagLength: 32 };
}

/** The nice values of this process's threads that Node named as worker threads (Linux). */
function workerThreadNiceness(): number[] {
  return readdirSync('/proc/self/task').flatMap((task) => {
    if (readFileSync(`/proc/self/task/${task}/comm`, 'utf8').trim() !== 'WorkerThread') return [];
    const stat = readFileSync(`/proc/self/task/${task}/stat`, 'utf8');
    // Fields after the command's closing parenthesis; nice is the 19th field of the whole line.
    return [Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])];
  });
}

let pool: HashPool | undefined;

afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

describe('the password-hashing pool', () => {
  it('derives the same key as libuv, so hashes from either verify on the other', async () => {
    pool = new HashPool(2);
    const onPool = new Argon2idHasher(pool);
    const onLibuv = new Argon2idHasher();
    expect(await onLibuv.verify(await onPool.hash('correct horse'), 'correct horse')).toBe(true);
    const stored = await onLibuv.hash('battery staple');
    expect(await onPool.verify(stored, 'battery staple')).toBe(true);
    expect(await onPool.verify(stored, 'battery stapl')).toBe(false);
  });

  it('runs at most its threads at once and answers first come, first served', async () => {
    pool = new HashPool(1);
    const finished: string[] = [];
    const jobs = ['a', 'b', 'c', 'd'].map((name) =>
      pool!.derive(parameters(name)).then(() => finished.push(name)),
    );
    expect(pool.backlog()).toBe(4);
    await Promise.all(jobs);
    expect(finished).toStrictEqual(['a', 'b', 'c', 'd']);
    expect(pool.backlog()).toBe(0);
  });

  it('learns what a hash costs here from the hashes it ran', async () => {
    pool = new HashPool(1);
    const guess = pool.meanHashMs();
    // A cheap hash (m=8 KiB) takes far less than the first guess for m=19 MiB.
    for (let i = 0; i < 20; i += 1) await pool.derive(parameters(`p${String(i)}`, 8));
    expect(pool.meanHashMs()).toBeLessThan(guess / 2);
    // Its CPU too, which a thread alone on its core spends in about the time the hash takes.
    expect(pool.hashCpuMs()).toBeLessThan(guess / 2);
    expect(pool.hashCpuMs()).toBeGreaterThan(0);
    expect(pool.hashCpuMs()).toBeLessThanOrEqual(pool.meanHashMs() * 1.5 + 1);
  });

  it('hashes below the event loop’s priority (nice 10 on its threads)', async () => {
    pool = new HashPool(1);
    await pool.derive(parameters('x', 8));
    expect(workerThreadNiceness()).toContain(10);
  });

  it('fails a job with the words of argon2 and goes on with the next', async () => {
    pool = new HashPool(1);
    // argon2 needs at least 8 KiB per lane.
    await expect(pool.derive(parameters('x', 1))).rejects.toThrow(/memory|range|invalid/i);
    await expect(pool.derive(parameters('y', 8))).resolves.toHaveLength(32);
  });

  it('refuses work once closed, failing what was still queued', async () => {
    pool = new HashPool(1);
    const running = pool.derive(parameters('a'));
    const queued = pool.derive(parameters('b'));
    const closing = pool.close();
    await expect(queued).rejects.toThrow('the password-hashing pool is closed');
    await running.catch(() => undefined);
    await closing;
    await expect(pool.derive(parameters('c'))).rejects.toThrow('the password-hashing pool is closed');
  });

  it('does not keep a process alive once its hashing is done', async () => {
    const source = fileURLToPath(new URL('../src/auth/hash-pool.ts', import.meta.url));
    const script = `import { HashPool } from ${JSON.stringify(source)};
      const key = await new HashPool(2).derive({ message: 'm', nonce: Buffer.alloc(16), memory: 8, passes: 1, parallelism: 1, tagLength: 16 });
      console.log(key.length);`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      timeout: 20_000,
    });
    expect(stdout.trim()).toBe('16');
  });
});
