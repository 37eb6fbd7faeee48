/**
 * The compute pool's idle shutdown and the client's send-once file transfer, over real comlink
 * message channels. The worker end is a small stand-in for lab.worker.ts (which needs a browser
 * worker scope) that uses the worker's real file cache.
 */
import { MessageChannel } from 'node:worker_threads';
import { expose } from 'comlink';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { nd } from '../../workers/core/ndarray';
import type { RunResult } from '../../workers/experiments/types';
import { FileCache } from '../../workers/file-cache';
import { sha256Hex } from '../../workers/io/hash';
import { writeNpy } from '../../workers/io/npy';
import type { RunRequest } from '../../workers/lab.worker';
import { ComputePool } from './compute-pool';

interface FakeWorker {
  terminated: boolean;
  /** Asked to release its GPU device before it was ended. */
  disposed: boolean;
  /** For each run: which slots arrived with bytes. */
  sent: string[][];
  /** The sum of the file's values, as parsed in the worker, per run. */
  sums: number[];
}

/** Starts a stand-in worker on a message channel; returns its Worker-like end and what it saw. */
function fakeWorker(all: FakeWorker[]): Worker {
  const { port1, port2 } = new MessageChannel();
  const seen: FakeWorker = { terminated: false, disposed: false, sent: [], sums: [] };
  all.push(seen);
  const cache = new FileCache();
  let release: (() => void) | null = null;
  expose(
    {
      init: () => ({ adapter: null, error: null }),
      heldFiles: (keys: string[]) => cache.held(keys),
      run: async (req: RunRequest) => {
        seen.sent.push(Object.keys(req.files).filter((k) => req.files[k].bytes));
        for (const [slot, f] of Object.entries(req.files)) {
          const { array } = await cache.get(req.experiment, slot, f);
          seen.sums.push(Array.from(array.data as Float32Array).reduce((a, b) => a + b, 0));
        }
        if (req.values.hold) await new Promise<void>((r) => (release = r));
        return { experiment: req.experiment } as unknown as RunResult;
      },
      release: () => release?.(),
      dispose: () => {
        seen.disposed = true;
      },
      cancel: () => {},
      pause: () => {},
      resume: () => {},
    },
    port1 as never,
  );
  const w = port2 as unknown as Worker & { terminate(): void };
  w.terminate = () => {
    seen.terminated = true;
    port1.close();
    port2.close();
  };
  return w;
}

async function npyFile(values: number[]) {
  const bytes = writeNpy(nd(Float32Array.from(values), [values.length, 1])).slice().buffer as ArrayBuffer;
  return { name: 'x.npy', sha256: await sha256Hex(new Uint8Array(bytes)), bytes };
}

const run = (pool: ComputePool, exp: string, files = {}, values: Record<string, unknown> = {}) =>
  pool
    .for(exp)
    .run({ experiment: exp, values, backend: 'cpu', files }, () => {}, new AbortController().signal);

afterEach(() => {
  vi.useRealTimers();
});

describe('compute pool', () => {
  it('shuts an idle lab worker down after idleMs, and the next run starts a new one', async () => {
    vi.useFakeTimers();
    const workers: FakeWorker[] = [];
    const pool = new ComputePool('http://x/', () => fakeWorker(workers));
    pool.idleMs = 1000;
    let open = true;
    pool.keepAlive = () => open;
    await run(pool, 'matmul');
    expect(workers).toHaveLength(1);
    // The lab is open: the worker stays however long it waits.
    await vi.advanceTimersByTimeAsync(5000);
    expect(workers[0].terminated).toBe(false);
    expect(pool.liveLabs()).toEqual(['matmul']);
    // Closed and idle: shut down within two idle periods, not before one.
    open = false;
    await vi.advanceTimersByTimeAsync(900);
    expect(workers[0].terminated).toBe(false);
    await vi.advanceTimersByTimeAsync(1200);
    expect(workers[0].terminated).toBe(true);
    expect(workers[0].disposed).toBe(true);
    expect(pool.liveLabs()).toEqual([]);
    expect(pool.for('matmul').retirements).toBe(1);
    // A new run works, on a new worker.
    const r = await run(pool, 'matmul');
    expect(r.experiment).toBe('matmul');
    expect(workers).toHaveLength(2);
    expect(workers[1].terminated).toBe(false);
  });

  it('never shuts down a worker with a run in flight (a paused run is one)', async () => {
    vi.useFakeTimers();
    const workers: FakeWorker[] = [];
    const pool = new ComputePool('http://x/', () => fakeWorker(workers));
    pool.idleMs = 100;
    pool.keepAlive = () => false;
    const pending = run(pool, 'sae', {}, { hold: true });
    await vi.advanceTimersByTimeAsync(2000);
    expect(pool.for('sae').busy).toBe(true);
    expect(workers[0].terminated).toBe(false);
    // Let the run finish; then it goes idle and is shut down.
    const api = (await import('comlink')).wrap<{ release(): void }>(
      (pool.for('sae') as unknown as { worker: Worker }).worker,
    );
    await api.release();
    await pending;
    await vi.advanceTimersByTimeAsync(300);
    expect(workers[0].terminated).toBe(true);
  });

  it('sends a file to the worker once for two runs, transferring a copy (the caller keeps its bytes)', async () => {
    const workers: FakeWorker[] = [];
    const pool = new ComputePool('http://x/', () => fakeWorker(workers));
    const x = await npyFile([1, 2, 3.5]);
    await run(pool, 'regression', { x });
    await run(pool, 'regression', { x });
    expect(workers[0].sent).toEqual([['x'], []]);
    expect(workers[0].sums).toEqual([6.5, 6.5]);
    expect(pool.for('regression').filesSent).toBe(1);
    // The main thread's buffer was not detached by the transfer.
    expect(x.bytes.byteLength).toBeGreaterThan(0);
    // Another file (same name, other bytes) is sent; a hash that does not match its bytes is refused.
    const y = await npyFile([4]);
    await run(pool, 'regression', { x: y });
    expect(workers[0].sent[2]).toEqual(['x']);
    expect(workers[0].sums[2]).toBe(4);
    await expect(
      run(pool, 'regression', { x: { ...x, sha256: y.sha256.replace(/^./, '0') } }),
    ).rejects.toThrow(/do not match the SHA-256/);
  });

  it('sends the file again to a new worker after the old one was shut down', async () => {
    const workers: FakeWorker[] = [];
    const pool = new ComputePool('http://x/', () => fakeWorker(workers));
    const x = await npyFile([2, 2]);
    await run(pool, 'attention', { q: x });
    pool.for('attention').retire();
    await run(pool, 'attention', { q: x });
    expect(workers.map((w) => w.sent)).toEqual([[['q']], [['q']]]);
    expect(pool.for('attention').filesSent).toBe(2);
  });
});
