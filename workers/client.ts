/**
 * The main thread's handle on the compute worker: comlink calls with cancellation, and a fresh
 * worker whenever the old one crashes or does not stop within 150 ms of a cancel.
 */
import { proxy, type Remote, wrap } from 'comlink';
import type { Progress, RunResult } from './experiments/types';
import type { DebugFault, DeviceInfo, LabApi, RunRequest } from './lab.worker';

export class RunCancelled extends Error {
  override name = 'RunCancelled';
  constructor() {
    super('cancelled');
  }
}

export class WorkerCrashed extends Error {
  override name = 'WorkerCrashed';
}

const CANCEL_GRACE_MS = 150;

export class LabClient {
  private worker!: Worker;
  private api!: Remote<LabApi>;
  private crash: ((e: Error) => void) | null = null;
  private device: Promise<DeviceInfo> | null = null;
  restarts = 0;
  /** Told when the worker had to be replaced (crash), so the UI can say so. */
  onNotice: ((message: string) => void) | null = null;

  constructor(
    private readonly pageBase: string,
    private readonly makeWorker: () => Worker = () =>
      new Worker(new URL('./lab.worker.ts', import.meta.url), { type: 'module', name: 'sparselab-compute' }),
  ) {
    this.start();
  }

  private start(): void {
    this.worker = this.makeWorker();
    this.api = wrap<LabApi>(this.worker);
    this.device = null;
    this.worker.addEventListener('error', (ev) => {
      ev.preventDefault();
      const err = new WorkerCrashed(
        `the compute worker crashed${ev.message ? `: ${ev.message}` : ''}; a new one was started`,
      );
      this.crash?.(err);
      this.onNotice?.(err.message);
      this.restart();
    });
  }

  /** Replaces the worker (its GPU device goes with it; the new one acquires its own). */
  restart(): void {
    this.worker.terminate();
    this.restarts++;
    this.start();
  }

  deviceInfo(): Promise<DeviceInfo> {
    this.device ??= this.api.init(this.pageBase);
    return this.device;
  }

  inspectFile(
    name: string,
    bytes: ArrayBuffer,
    target: { experiment: string; slot: string; slots: string[] },
  ) {
    return this.api.inspectFile(name, bytes, target);
  }

  fullParity() {
    return this.api.fullParity();
  }

  exportPython(url: string, finishedAt: string) {
    return this.api.exportPython(url, finishedAt);
  }

  pause() {
    return this.api.pause();
  }

  resume() {
    return this.api.resume();
  }

  debugFault(kind: DebugFault) {
    return this.api.debugFault(kind);
  }

  async run(req: RunRequest, onProgress: (p: Progress) => void, signal: AbortSignal): Promise<RunResult> {
    await this.deviceInfo();
    if (signal.aborted) throw new RunCancelled();
    const api = this.api;
    return new Promise<RunResult>((resolve, reject) => {
      let settled = false;
      const done = (f: () => void) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        if (this.crash === onCrash) this.crash = null;
        f();
      };
      const onCrash = (e: Error) => done(() => reject(e));
      const onAbort = () => {
        api.cancel().catch(() => {});
        // Cooperative first; a run stuck in a long kernel or loop loses its worker.
        setTimeout(() => {
          if (!settled && this.api === api) this.restart();
          done(() => reject(new RunCancelled()));
        }, CANCEL_GRACE_MS);
      };
      this.crash = onCrash;
      signal.addEventListener('abort', onAbort);
      api
        .run(
          req,
          proxy((p: Progress) => !signal.aborted && onProgress(p)),
        )
        .then((r) => done(() => (signal.aborted ? reject(new RunCancelled()) : resolve(r))))
        .catch((e: unknown) =>
          done(() =>
            reject(signal.aborted ? new RunCancelled() : e instanceof Error ? e : new Error(String(e))),
          ),
        );
    });
  }
}
