/** What every experiment runner implements, and what a run gives back. */
import type { NdArray } from '../core/ndarray';
import type { AdapterSummary, GpuContext } from '../gpu/device';
import type { CsvTable } from '../io/csv';
import type { InputInfo } from '../io/user-data';
import type { SpecDef } from '../spec/define';
import type { Fields, Values } from '../spec/fields';

export type Backend = 'webgpu' | 'cpu';

/** Typed progress: how far, what stage, and optionally a partial result the views can draw already. */
export interface Progress {
  fraction: number;
  stage: string;
  partial?: Record<string, unknown>;
}

export class CancelledError extends Error {
  override name = 'CancelledError';
  constructor() {
    super('the run was cancelled');
  }
}

/** Thrown for a problem the user can fix (bad sizes, missing data): shown as its message alone. */
export class UserError extends Error {
  override name = 'UserError';
}

export interface RunContext {
  backend: Backend;
  /** Present exactly when backend is 'webgpu'. */
  gpu: GpuContext | null;
  /** The user's arrays, keyed by the spec's file-field names. */
  data: Record<string, NdArray>;
  /** What each of `data` was read from (file, dtype, conversions); copied into the result. */
  inputs?: Record<string, InputInfo>;
  /** Built-in dataset by name (e.g. 'diabetes'). */
  dataset(name: string): Promise<CsvTable>;
  signal: AbortSignal;
  progress(p: Progress): void;
  /** Long runs await this between steps; it stays pending while the user has paused the run. */
  pauseGate?: () => Promise<void>;
}

/** Largest relative difference between a GPU result and the CPU reference. */
export interface Parity {
  status: 'checked' | 'skipped' | 'not-applicable';
  /** max |gpu − cpu| / max(|cpu|_max, floor) over the compared values. */
  maxRelDiff?: number;
  tolerance?: number;
  ok?: boolean;
  /** What was compared: 'all' or a number of sampled rows. */
  compared?: string;
  reason?: string;
  /**
   * Methods with a selection step: the fraction of kept blocks (or buckets) the GPU's selection shares with
   * the CPU's own, recomputed from Q and K (float32 near-ties counted as agreement).
   */
  maskAgreement?: number;
  /** Selections that differ from the CPU's without a near-tie to explain them (any makes `ok` false). */
  maskMismatches?: number;
  /** Regression: relative objective gap (P(w_gpu) − P(w_cpu)) / P(w_cpu), worst over the compared fits. */
  objectiveGap?: number;
  /** SAE: largest relative difference of each parameter after one training step on both backends. */
  params?: Record<string, number>;
  /** Extra lines for the badge's tooltip and the CLI JSON. */
  details?: string[];
}

/** One stage of a run (selection, solve, training step, metrics…) and the backend that actually ran it. */
export interface StageRecord {
  name: string;
  backend: Backend;
  /** What ran, e.g. "FISTA (warm starts)", "coordinate descent". */
  algorithm: string;
  /** Why it ran there, when that is not the run's backend (e.g. "OMP has no GPU path"). */
  note?: string;
}

/** A stage on the CPU with the reason, or on the run's backend. */
export function stage(name: string, backend: Backend, algorithm: string, note?: string): StageRecord {
  return note ? { name, backend, algorithm, note } : { name, backend, algorithm };
}

export interface RunOutput {
  arrays: Record<string, NdArray>;
  /** Per stage, the backend that ran it (every runner fills this; see StageRecord). */
  stages?: StageRecord[];
  metrics: Record<string, number>;
  /** Milliseconds, by stage or kernel. */
  timings: Record<string, number>;
  /** Lab-specific JSON for the views (curves, maps, tables). */
  views?: Record<string, unknown>;
  parity?: Parity;
}

export interface Experiment<F extends Fields = Fields> {
  spec: SpecDef<F>;
  run(values: Values<F>, ctx: RunContext): Promise<RunOutput>;
  /**
   * Compares a GPU result with the CPU reference. `full` asks for the exhaustive check even when
   * it is expensive (the UI's "check parity" button); otherwise a cheap automatic check or 'skipped'.
   */
  parity?(values: Values<F>, ctx: RunContext, out: RunOutput, full: boolean): Promise<Parity>;
}

export interface RunResult extends RunOutput {
  experiment: string;
  spec: Record<string, unknown>;
  /** The backend the run was given; `stages` says which one each stage actually used. */
  backend: Backend;
  stages: StageRecord[];
  adapter: AdapterSummary | null;
  /** The work and memory estimated before the run (checked against the Limits fields). */
  estimate?: { gflop: number; gb: number; detail: string };
  /** Arrays with NaN or Inf: name → count. Views must not plot these silently. */
  nonFinite: Record<string, number>;
  /** The user's files this run read, by data slot: file, dtype and every conversion made on read. */
  inputs?: Record<string, InputInfo>;
  wallMs: number;
  finishedAt: string;
}

export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new CancelledError();
}

/** Yields to the event loop so a cancel message can arrive between chunks of CPU work. */
export function breathe(signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) =>
    setTimeout(() => (signal.aborted ? reject(new CancelledError()) : resolve()), 0),
  );
}

export function defineExperiment<F extends Fields>(e: Experiment<F>): Experiment<F> {
  return e;
}

/** Relative difference with an absolute floor, as the parity checks and tests report it. */
export function maxRelDiff(got: ArrayLike<number>, want: ArrayLike<number>, floor = 1e-6): number {
  let maxAbs = 0;
  let maxRef = 0;
  for (let i = 0; i < want.length; i++) {
    maxAbs = Math.max(maxAbs, Math.abs(got[i] - want[i]));
    maxRef = Math.max(maxRef, Math.abs(want[i]));
    if (Number.isNaN(got[i]) !== Number.isNaN(want[i])) return Number.POSITIVE_INFINITY;
  }
  return maxAbs / Math.max(maxRef, floor);
}
