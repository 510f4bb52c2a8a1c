// One thread of the password-hashing pool (hash-pool.ts): derives argon2id keys one at a time, at a
// lower priority than the event loops, so keepalives and messages go first when the cores are busy.
// It imports nothing of the project's, so Node can run it from the sources (tests) or from dist.
import { argon2Sync } from 'node:crypto';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';

interface Job {
  id: number;
  message: string;
  nonce: Uint8Array;
  memory: number;
  passes: number;
  parallelism: number;
  tagLength: number;
}

/** Linux keeps a nice value per thread: this lowers this thread only (0 = the calling thread). */
const threadNiceness = 10;

try {
  setPriority(threadNiceness);
} catch {
  // Without it the pool still works; the event loops just compete with the hashing on equal terms.
}

parentPort?.on('message', (job: Job) => {
  const started = performance.now();
  const cpuBefore = process.threadCpuUsage();
  const { id, ...parameters } = job;
  try {
    const key = argon2Sync('argon2id', parameters);
    const cpu = process.threadCpuUsage(cpuBefore);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    parentPort?.postMessage({ id, key, ms: performance.now() - started, cpuMs });
  } catch (error) {
    parentPort?.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
