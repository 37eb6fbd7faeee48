/**
 * The main thread's handle on the compute worker: comlink calls with cancellation, and a fresh
 * worker whenever the old one crashes or does not stop within 150 ms of a cancel. The worker is
 * started on first use and may be retired while idle (`retire`; the pool decides when): the next call
 * starts a new one. User files go to a worker once: a run sends (transfers a copy of) only the bytes
 * the worker does not hold yet, and otherwise names the file by its hash.
 */
import { proxy, type Remote, transfer, wrap } from 'comlink';
import type { Progress, RunResult } from './experiments/types';
import { fileKey, type RunFile } from './file-cache';
import type { DebugFault, DeviceInfo, LabApi, RunRequest } from './lab.worker';

/** A run as the main thread asks for it: the user's files with their bytes, which stay on the main thread. */
export interface ClientRunRequest extends Omit<RunRequest, 'files'> {
  files: Record<string, { name: string; sha256: string; bytes: ArrayBuffer }>;
}

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

/** The worker a LabClient starts by default: a module worker running lab.worker.ts. */
export const labWorker = (): Worker =>
  new Worker(new URL('./lab.worker.ts', import.meta.url), { type: 'module', name: 'sparselab-compute' });

export class LabClient {
  private worker: Worker | null = null;
  private remote: Remote<LabApi> | null = null;
  private crash: ((e: Error) => void) | null = null;
  private device: Promise<DeviceInfo> | null = null;
  /** Calls to the worker not yet answered (a paused run counts: it is still in flight). */
  private pending = 0;
  restarts = 0;
  /** Workers shut down while idle. */
  retirements = 0;
  /** File payloads sent to a worker (one per file per worker; runs that find the file there send none). */
  filesSent = 0;
  /** Told when the worker had to be replaced (crash), so the UI can say so. */
  onNotice: ((message: string) => void) | null = null;
  /** Told whenever a call to the worker has settled (the pool times idleness from there). */
  onSettled: (() => void) | null = null;

  constructor(
    private readonly pageBase: string,
    private readonly makeWorker: () => Worker = labWorker,
  ) {
    this.start();
  }

  private start(): Remote<LabApi> {
    const worker = this.makeWorker();
    const remote = wrap<LabApi>(worker);
    this.worker = worker;
    this.remote = remote;
    this.device = null;
    worker.addEventListener('error', (ev) => {
      ev.preventDefault();
      if (this.worker !== worker) return;
      const err = new WorkerCrashed(
        `the compute worker crashed${ev.message ? `: ${ev.message}` : ''}; a new one was started`,
      );
      this.crash?.(err);
      this.onNotice?.(err.message);
      this.restart();
    });
    return remote;
  }

  /** The live worker's API, starting a worker when there is none (first use, or after `retire`). */
  private get api(): Remote<LabApi> {
    return this.remote ?? this.start();
  }

  /** Whether a worker is running now. */
  get live(): boolean {
    return this.worker !== null;
  }

  /** Whether a call (a run, paused or not; a file check; a parity check) is waiting on the worker. */
  get busy(): boolean {
    return this.pending > 0;
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.pending++;
    return p.finally(() => {
      this.pending--;
      this.onSettled?.();
    });
  }

  /** Replaces the worker (its GPU device goes with it; the new one acquires its own). */
  restart(): void {
    this.worker?.terminate();
    this.restarts++;
    this.start();
  }

  /**
   * Shuts the worker down (its GPU device, cached files and last result go with it); the next call
   * starts a new one. Only for an idle client: a call in flight would never settle.
   */
  retire(): void {
    if (!this.worker || this.pending) return;
    // Destroy the GPU device explicitly (not left to the worker's teardown), then end the worker; a worker that
    // does not answer within a second is ended anyway.
    const worker = this.worker;
    const end = () => worker.terminate();
    const timer = setTimeout(end, 1000);
    this.remote?.dispose().then(
      () => {
        clearTimeout(timer);
        end();
      },
      () => {},
    );
    this.worker = null;
    this.remote = null;
    this.device = null;
    this.retirements++;
  }

  deviceInfo(): Promise<DeviceInfo> {
    this.device ??= this.api.init(this.pageBase);
    return this.device;
  }

  /** Checks a dropped file in the worker, which keeps it parsed for runs. `bytes` is transferred (detached here). */
  inspectFile(
    name: string,
    bytes: ArrayBuffer,
    target: { experiment: string; slot: string; slots: string[] },
  ) {
    return this.track(this.api.inspectFile(name, transfer(bytes, [bytes]), target));
  }

  fullParity() {
    return this.track(this.api.fullParity());
  }

  exportPython(url: string, finishedAt: string) {
    return this.api.exportPython(url, finishedAt);
  }

  pause() {
    return this.remote?.pause();
  }

  resume() {
    return this.remote?.resume();
  }

  debugFault(kind: DebugFault) {
    return this.api.debugFault(kind);
  }

  run(req: ClientRunRequest, onProgress: (p: Progress) => void, signal: AbortSignal): Promise<RunResult> {
    return this.track(this.runOnWorker(req, onProgress, signal));
  }

  /**
   * The request the worker gets: files it holds go by name and hash; the others carry a copy of their
   * bytes, transferred (so the copy is made once, here, and the caller's buffer stays usable).
   */
  private async toWorker(api: Remote<LabApi>, req: ClientRunRequest): Promise<RunRequest> {
    const keys = Object.values(req.files).map((f) => fileKey(f.name, f.sha256));
    const held = new Set(keys.length ? await api.heldFiles(keys) : []);
    const files: Record<string, RunFile> = {};
    const buffers: ArrayBuffer[] = [];
    for (const [slot, f] of Object.entries(req.files)) {
      if (held.has(fileKey(f.name, f.sha256))) {
        files[slot] = { name: f.name, sha256: f.sha256 };
        continue;
      }
      const bytes = f.bytes.slice(0);
      buffers.push(bytes);
      files[slot] = { name: f.name, sha256: f.sha256, bytes };
      this.filesSent++;
    }
    return transfer({ ...req, files }, buffers);
  }

  private async runOnWorker(
    req: ClientRunRequest,
    onProgress: (p: Progress) => void,
    signal: AbortSignal,
  ): Promise<RunResult> {
    await this.deviceInfo();
    if (signal.aborted) throw new RunCancelled();
    const api = this.api;
    const sent = await this.toWorker(api, req);
    if (signal.aborted) throw new RunCancelled();
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
          if (!settled && this.remote === api) this.restart();
          done(() => reject(new RunCancelled()));
        }, CANCEL_GRACE_MS);
      };
      this.crash = onCrash;
      signal.addEventListener('abort', onAbort);
      api
        .run(
          sent,
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
