/**
 * Work and memory a run would take, estimated from its settings before anything is allocated, and the
 * limits a run must stay under (a user can raise them: the spec's "Limits" fields, `--max-memory` /
 * `--max-gflop` on the CLI). Each lab's estimator lives beside its runner; the formulas are in
 * docs/methods.md ("Resource limits") and are deliberately simple upper-bound-style counts.
 */

import type { NdArray } from '../core/ndarray';
import { estimateAttention } from './attention/estimate';
import type { Estimate } from './estimate-types';
import { estimateMatmul } from './matmul/estimate';
import { estimatePruning } from './pruning/estimate';
import { estimateRegression } from './regression/estimate';
import { estimateSae } from './sae/estimate';
import { type Backend, UserError } from './types';

export type { Estimate };

export type Estimator = (
  values: Record<string, unknown>,
  backend: Backend,
  data: Record<string, NdArray>,
) => Estimate;

export const estimators: Record<string, Estimator> = {
  attention: estimateAttention,
  matmul: estimateMatmul,
  regression: estimateRegression,
  sae: estimateSae,
  pruning: estimatePruning,
};

/** Defaults when the limit fields are 0 ("automatic"). */
export const DEFAULT_LIMITS = {
  memoryGB: 2,
  gflop: { cpu: 2_000, webgpu: 200_000 } as Record<Backend, number>,
};

export interface Limits {
  memoryGB: number;
  gflop: number;
}

/** The limits in force: the values' `maxMemoryGB` / `maxGflop` when positive, else the defaults. */
export function limitsFor(values: Record<string, unknown>, backend: Backend): Limits {
  const mem = Number(values.maxMemoryGB ?? 0);
  const gf = Number(values.maxGflop ?? 0);
  return {
    memoryGB: mem > 0 ? mem : DEFAULT_LIMITS.memoryGB,
    gflop: gf > 0 ? gf : DEFAULT_LIMITS.gflop[backend],
  };
}

const gb = (bytes: number) => bytes / 1e9;
const fmt = (x: number) =>
  x >= 100
    ? Math.round(x).toLocaleString('en')
    : x >= 1
      ? x.toFixed(1).replace(/\.0$/, '')
      : x.toPrecision(2);

/** The estimate for a run, or null when the lab has no estimator. */
export function estimateRun(
  id: string,
  values: Record<string, unknown>,
  backend: Backend,
  data: Record<string, NdArray>,
): Estimate | null {
  const e = Object.hasOwn(estimators, id) ? estimators[id] : undefined;
  return e ? e(values, backend, data) : null;
}

/** Throws a UserError naming the estimate and how to raise the limit when a run is over either limit. */
export function checkLimits(e: Estimate, limits: Limits, backend: Backend): void {
  const over: string[] = [];
  if (gb(e.bytes) > limits.memoryGB)
    over.push(
      `about ${fmt(gb(e.bytes))} GB of memory (limit ${fmt(limits.memoryGB)} GB: raise "Max memory (GB)" under Limits, or --max-memory GB on the CLI)`,
    );
  if (e.flops / 1e9 > limits.gflop)
    over.push(
      `about ${fmt(e.flops / 1e9)} GFLOP of work (limit ${fmt(limits.gflop)} GFLOP: raise "Max work (GFLOP)" under Limits, or --max-gflop N on the CLI)`,
    );
  if (over.length)
    throw new UserError(
      `not started: on the ${backend === 'cpu' ? 'CPU' : 'WebGPU'} backend this run needs ${over.join(' and ')}. Estimate: ${e.detail}.`,
    );
}
