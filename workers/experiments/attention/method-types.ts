/** The types every attention method's runner shares (values, result, map classifier) and the causal visibility test. */
import type { NdArray } from '../../core/ndarray';
import type { attentionSpec } from '../../spec/attention';
import type { Values } from '../../spec/fields';
import type { AttnBackend, AttnProblem, AttnRun } from './backend';
import type { ChartView } from './views-data';

export type AttnValues = Values<(typeof attentionSpec)['fields']>;

export type ClassOf = (h: number, i: number, j: number) => number;

export interface MethodResult {
  /** H×N×d. */
  out: ArrayLike<number>;
  /** Log-sum-exp over the exactly attended keys (for mass recall), or null (linear family). */
  lse: ArrayLike<number> | null;
  /** Attention kernel time. */
  ms: number;
  /** Mask search / selection / estimate time. */
  selectMs: number;
  /** (query, key) pairs attended exactly, over all heads; null when the method has no mask. */
  pairs: number | null;
  flops: number;
  arrays: Record<string, NdArray>;
  classOf: ClassOf | null;
  metrics: Record<string, number>;
  /** Charts the method adds to the views. */
  charts?: ChartView[];
  /** SLA: log-sum-exp over critical + marginal blocks (the mass not skipped). */
  keptLse?: ArrayLike<number>;
  notes: string[];
}

export const causalHidden = (p: AttnProblem, i: number, j: number) => p.causal && j > i;

/** One method's run on the backend, given the dense anchor run on the same problem. */
export type MethodRunner = (
  v: AttnValues,
  p: AttnProblem,
  be: AttnBackend,
  dense: AttnRun,
) => Promise<MethodResult>;
