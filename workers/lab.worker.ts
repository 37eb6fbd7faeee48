/// <reference lib="webworker" />
/**
 * The compute worker: owns the GPU device and runs experiments; the main thread only draws.
 * Exposed through comlink; progress is throttled to ~30 messages a second.
 */
import { expose, transfer } from 'comlink';
import type { NdArray } from './core/ndarray';
import { gpuFaults } from './experiments/attention/backend-gpu';
import { experimentFor } from './experiments/registry';
import { runExperiment } from './experiments/runner';
import type { Backend, Parity, Progress, RunContext, RunResult } from './experiments/types';
import { zipFolder } from './export/npz';
import { exportPython } from './export/registry';
import { FileCache, type RunFile } from './file-cache';
import { type AdapterSummary, acquireGpu, type GpuContext } from './gpu/device';
import { datasetLoader } from './io/datasets';
import { type InputInfo, readUserFile } from './io/user-data';
import type { FileRef } from './spec/fields';

export type DebugFault = 'crash' | 'lose-device' | 'perturb-block-score' | 'clear';

export interface DeviceInfo {
  adapter: AdapterSummary | null;
  /** Why there is no WebGPU device, when there is none. */
  error: string | null;
}

/** One data slot a dropped file fills: its reference, the file's dtype, notes, and (for an archive member) its .npy bytes. */
export interface InspectedFile {
  slot: string;
  ref: FileRef;
  dtype: string;
  notes: string[];
  bytes?: ArrayBuffer;
}

export interface RunRequest {
  experiment: string;
  values: Record<string, unknown>;
  backend: Backend;
  /**
   * The user's files named by the spec's file fields, by name and SHA-256; the bytes come (transferred)
   * only when this worker does not hold the file yet (`heldFiles`). Parsed and cached by hash here.
   */
  files: Record<string, RunFile>;
}

let baseUrl = '';
let gpu: GpuContext | null = null;
let gpuError: string | null = null;
let acquiring: Promise<void> | null = null;
let controller: AbortController | null = null;
let last: { req: RunRequest; result: RunResult; ctx: RunContext } | null = null;
let paused: { promise: Promise<void>; resume: () => void } | null = null;
const files = new FileCache();

const dataset = datasetLoader(async (file) => {
  const res = await fetch(new URL(`datasets/${file}`, baseUrl));
  if (!res.ok) throw new Error(`could not load the built-in dataset ${file} (HTTP ${res.status})`);
  return res.text();
});

function ensureGpu(): Promise<void> {
  acquiring ??= (async () => {
    try {
      gpu = await acquireGpu((self as unknown as { navigator: Navigator }).navigator.gpu);
      gpuError = null;
      gpu.lost.then((why) => {
        gpu = null;
        gpuError = why;
        acquiring = null;
      });
    } catch (e) {
      gpu = null;
      gpuError = e instanceof Error ? e.message : String(e);
      acquiring = null;
    }
  })();
  return acquiring;
}

function throttle(cb: (p: Progress) => void) {
  let lastSent = 0;
  let pending: Progress | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    timer = null;
    if (pending) {
      lastSent = performance.now();
      cb(pending);
      pending = null;
    }
  };
  return {
    push(p: Progress) {
      pending = p;
      const wait = 33 - (performance.now() - lastSent);
      if (wait <= 0) flush();
      else timer ??= setTimeout(flush, wait);
    },
    flush() {
      if (timer) clearTimeout(timer);
      flush();
    },
  };
}

const api = {
  async init(pageBase: string): Promise<DeviceInfo> {
    baseUrl = pageBase;
    await ensureGpu();
    return { adapter: gpu?.adapter ?? null, error: gpuError };
  },

  /**
   * Parses a dropped file to check it and report, per data slot it fills, its shape and hash (the
   * array stays here). A .npy or CSV fills `slot`; a .npz fills the slots named by its arrays (or
   * `slot`, when it holds one array), and each member's .npy bytes come back for the app to keep.
   */
  async inspectFile(
    name: string,
    bytes: ArrayBuffer,
    target: { experiment: string; slot: string; slots: string[] },
  ): Promise<InspectedFile[]> {
    const u8 = new Uint8Array(bytes);
    const got = await readUserFile(name, u8, { ...target, archiveByName: true });
    const out: InspectedFile[] = [];
    const buffers: ArrayBuffer[] = [];
    for (const g of got) {
      files.put(g.ref, g.array, g.info);
      const member = g.bytes === u8 ? undefined : (g.bytes.slice().buffer as ArrayBuffer);
      if (member) buffers.push(member);
      out.push({ slot: g.slot, ref: g.ref, dtype: g.info.fileDtype, notes: g.info.notes, bytes: member });
    }
    return transfer(out, buffers);
  },

  /** Which of these files (keys from `fileKey`) this worker already holds, so runs need not send them. */
  heldFiles(keys: string[]): string[] {
    return files.held(keys);
  },

  async run(req: RunRequest, onProgress: (p: Progress) => void): Promise<RunResult> {
    controller?.abort();
    api.resume();
    const own = new AbortController();
    controller = own;
    if (req.backend === 'webgpu') {
      await ensureGpu();
      if (!gpu)
        throw new Error(`WebGPU is not available: ${gpuError ?? 'no adapter'}. Pick the CPU backend.`);
    }
    const data: Record<string, NdArray> = {};
    const inputs: Record<string, InputInfo> = {};
    const values = { ...req.values };
    for (const [key, f] of Object.entries(req.files)) {
      const { ref, array, info } = await files.get(req.experiment, key, f);
      inputs[key] = info;
      const want = values[key] as FileRef | null;
      if (want && want.sha256 !== ref.sha256)
        throw new Error(`${f.name} is not the file this link was made with (${want.name})`);
      data[key] = array;
      values[key] = ref;
    }
    const t = throttle(onProgress);
    const ctx: RunContext = {
      backend: req.backend,
      gpu: req.backend === 'webgpu' ? gpu : null,
      data,
      inputs,
      dataset,
      signal: own.signal,
      progress: (p) => t.push(p),
      pauseGate: () => paused?.promise ?? Promise.resolve(),
    };
    try {
      const result = await runExperiment(req.experiment, values, ctx);
      t.flush();
      last = { req, result, ctx };
      return transferable(result);
    } finally {
      if (controller === own) controller = null;
    }
  },

  /** Before the worker is shut down while idle: releases the GPU device now. */
  dispose(): void {
    controller?.abort();
    last = null;
    const g = gpu;
    gpu = null;
    acquiring = null;
    gpuError = 'the worker was shut down';
    g?.device.destroy();
  },

  cancel(): void {
    controller?.abort();
    api.resume();
  },

  /** Holds a pausable run (e.g. SAE training) between steps until resume(); its state stays live here. */
  pause(): void {
    if (paused) return;
    let resume = () => {};
    const promise = new Promise<void>((r) => {
      resume = r;
    });
    paused = { promise, resume };
  },

  resume(): void {
    paused?.resume();
    paused = null;
  },

  /**
   * Fault injection for the end-to-end tests: an uncaught error, a lost GPU device, or one perturbed GPU
   * block score (head 0, last query block; see gpuFaults) until 'clear'.
   */
  debugFault(kind: DebugFault): void {
    if (kind === 'perturb-block-score') gpuFaults.blockScore = { head: 0, qBlock: 1e9, delta: 1e3 };
    else if (kind === 'clear') gpuFaults.blockScore = null;
    else if (kind === 'crash') {
      setTimeout(() => {
        throw new Error('injected worker crash');
      }, 0);
    } else gpu?.device.destroy();
  },

  /**
   * "Export → Python" of the last result (the one finished at `finishedAt`): a .zip of run.py, inputs.npz,
   * outputs.npz and README.txt under one folder. A message instead when that result is no longer here.
   */
  async exportPython(
    url: string,
    finishedAt: string,
  ): Promise<{ name: string; zip: Uint8Array } | { error: string }> {
    if (!last || last.result.finishedAt !== finishedAt)
      return { error: 'Export → Python needs the run in this session: run it again, then export' };
    try {
      const folder = await exportPython({
        result: last.result,
        values: last.result.spec,
        data: last.ctx.data,
        dataset,
        url,
      });
      const name = `sparselab-${last.result.experiment}-python`;
      const zip = zipFolder(name, folder.files);
      return transfer({ name, zip }, [zip.buffer as ArrayBuffer]);
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  },

  /** The full CPU comparison of the last GPU result (the UI's "check parity" button). */
  async fullParity(): Promise<Parity> {
    if (!last) return { status: 'skipped', reason: 'no result yet' };
    if (last.result.backend === 'cpu')
      return { status: 'not-applicable', reason: 'the CPU backend is the reference' };
    const exp = experimentFor(last.req.experiment);
    if (!exp?.parity) return { status: 'skipped', reason: 'no CPU reference for this experiment' };
    return exp.parity(last.result.spec as never, last.ctx, last.result, true);
  },
};

/** Sends arrays as copies the main thread owns (the worker keeps its own for parity checks). */
function transferable(r: RunResult): RunResult {
  const arrays: Record<string, NdArray> = {};
  const buffers: ArrayBuffer[] = [];
  for (const [k, a] of Object.entries(r.arrays)) {
    const copy = a.data.slice() as NdArray['data'];
    arrays[k] = { ...a, data: copy };
    buffers.push(copy.buffer as ArrayBuffer);
  }
  return transfer({ ...r, arrays }, buffers);
}

export type LabApi = typeof api;

expose(api);
