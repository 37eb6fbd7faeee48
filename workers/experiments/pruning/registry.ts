/**
 * The compute half of the pruning method table: for every id of PRUNING_METHODS (workers/spec/pruning.ts,
 * which also says whether a GPU path exists) its CPU reference, sweep sizing and Python export. The mapped
 * type makes a missing method a compile error; the runner, the sweep, the CLI and the export dispatch
 * through this table only.
 */
import { type NdArray, nd } from '../../core/ndarray';
import {
  cospadiPython,
  dsnotPython,
  type MethodPython,
  magnitudePython,
  rsparsePython,
  sparsegptPython,
  wandaPython,
} from '../../export/pruning-python';
import { cospadiFit } from '../../reference/pruning/cospadi';
import { DSNOT_DEFAULTS, dsnotRefine } from '../../reference/pruning/dsnot';
import { gram } from '../../reference/pruning/linalg';
import { relErrGram, relErrOutputs } from '../../reference/pruning/metrics';
import { rsparseFit, rsparseForward } from '../../reference/pruning/rsparse';
import { magnitudePrune, wandaPrune } from '../../reference/pruning/scores';
import { maskSparsity, type Pattern } from '../../reference/pruning/select';
import { sparseGptPrune } from '../../reference/pruning/sparsegpt';
import {
  PRUNING_METHODS,
  type PruningMethod,
  type PruningMethodInfo,
  type PruningValues,
} from '../../spec/pruning';
import type { Layer } from './data';
import type { MethodViews } from './views-data';

export type MethodParams = Pick<
  PruningValues,
  | 'magGroup'
  | 'percdamp'
  | 'blocksize'
  | 'sgptMask'
  | 'dsnotInit'
  | 'maxCycles'
  | 'tau'
  | 'signCheck'
  | 'alpha'
  | 'atoms'
  | 'nonzeros'
  | 'iterations'
  | 'seed'
>;

export interface MethodRun {
  /** Ŵ, when the method produces a weight matrix (float64, W's shape). */
  approx: Float64Array | null;
  /** Keep-mask in W's shape (1 = kept), for weight-mask methods. */
  keep: Uint8Array | null;
  /** The layer's forward pass (n × rows, no bias) when it is not x ↦ Ŵx (activation sparsity). */
  forward?: (X: Float64Array, n: number) => Float64Array;
  /** The score the mask was selected on (W's shape), when there is one. */
  scores: Float64Array | null;
  /** Output error on held-out and calibration tokens. */
  relErr: number;
  relErrCal: number;
  /** Fraction of weights (or of MACs per token, or of stored values) saved. */
  sparsity: number;
  metrics: Record<string, number>;
  arrays: Record<string, NdArray>;
  views: MethodViews;
}

export interface MethodImpl {
  reference(layer: Layer, p: Pattern, v: MethodParams, sparsity: number): MethodRun;
  /**
   * Parameters for a sweep point at sparsity s on a layer `rows × cols` (capped at `maxAtoms` atoms where
   * that applies), when the method is not sized by s directly.
   */
  sweepParams?: (v: MethodParams, rows: number, cols: number, s: number, maxAtoms: number) => MethodParams;
  /** On WebGPU, the sweep times the sparse kernels on this method's masks (one method is enough). */
  kernelSweep?: boolean;
  /** Baseline curves the method computes alongside itself (metric → sweep series). */
  baselines?: Array<{ metric: string; id: string; label: string; pattern: string }>;
  /** Its part of the Python export (workers/export/pruning-python.ts). */
  python: MethodPython;
}

/** K-SVD iterations per CoSpaDi point in a sweep (at most; the layer study uses the spec's). */
export const SWEEP_KSVD_ITERATIONS = 3;

const gramCache = new WeakMap<Layer, { held: Float64Array; cal: Float64Array }>();

/** XᵀX of the held-out and calibration tokens, once per layer. */
function grams(L: Layer) {
  let g = gramCache.get(L);
  if (!g) {
    g = { held: gram(L.Xheld, L.held, L.cols), cal: gram(L.Xcal, L.tokens, L.cols) };
    gramCache.set(L, g);
  }
  return g;
}

/** ‖(W − Ŵ)Xᵀ‖/‖WXᵀ‖ on held-out and calibration tokens (through XᵀX; equal to relErr up to rounding). */
export function weightErrors(L: Layer, approx: Float64Array) {
  const g = grams(L);
  return {
    relErr: relErrGram(L.W, approx, g.held, L.rows, L.cols),
    relErrCal: relErrGram(L.W, approx, g.cal, L.rows, L.cols),
  };
}

function maskRun(
  L: Layer,
  keep: Uint8Array,
  approx: Float64Array,
  scores: Float64Array | null,
  extra: Partial<MethodRun> = {},
): MethodRun {
  return {
    approx,
    keep,
    scores,
    ...weightErrors(L, approx),
    sparsity: maskSparsity(keep),
    metrics: {},
    arrays: {},
    views: {},
    ...extra,
  };
}

export const METHOD_IMPLS: { [K in PruningMethod]: MethodImpl } = {
  magnitude: {
    reference(L, p, v) {
      const r = magnitudePrune(L.W, L.rows, L.cols, p, v.magGroup);
      return maskRun(L, r.keep, r.pruned, r.scores);
    },
    python: magnitudePython,
    kernelSweep: true,
  },
  wanda: {
    reference(L, p) {
      const r = wandaPrune(L.W, L.Xcal, L.tokens, L.rows, L.cols, p);
      return maskRun(L, r.keep, r.pruned, r.scores);
    },
    python: wandaPython,
  },
  sparsegpt: {
    reference(L, p, v) {
      const fixedKeep =
        v.sgptMask === 'wanda' ? wandaPrune(L.W, L.Xcal, L.tokens, L.rows, L.cols, p).keep : undefined;
      const r = sparseGptPrune(L.W, L.Xcal, L.tokens, L.rows, L.cols, p, {
        percdamp: v.percdamp,
        blocksize: v.blocksize,
        fixedKeep,
      });
      // The same mask without the weight update: how much the update itself buys.
      const maskOnly = Float64Array.from(L.W, (w, i) => (r.keep[i] ? w : 0));
      return maskRun(L, r.keep, r.pruned, r.scores, {
        metrics: {
          relErrMaskOnly: weightErrors(L, maskOnly).relErr,
          lambda: r.lambda,
          dampRetries: r.dampRetries,
          deadColumns: r.deadColumns,
          obsLoss: r.loss,
          blocksize: r.blocksize,
        },
      });
    },
    python: sparsegptPython,
  },
  dsnot: {
    reference(L, p, v) {
      let init: { keep: Uint8Array; scores: Float64Array };
      if (v.dsnotInit === 'magnitude') init = magnitudePrune(L.W, L.rows, L.cols, p, 'row');
      else if (v.dsnotInit === 'sparsegpt') {
        const r = sparseGptPrune(L.W, L.Xcal, L.tokens, L.rows, L.cols, p, {
          percdamp: v.percdamp,
          blocksize: v.blocksize,
        });
        init = r;
      } else init = wandaPrune(L.W, L.Xcal, L.tokens, L.rows, L.cols, p);
      const d = dsnotRefine(L.W, L.Xcal, L.tokens, L.rows, L.cols, init.keep, init.scores, p, {
        ...DSNOT_DEFAULTS,
        maxCycles: v.maxCycles,
        tau: v.tau,
        signCheck: v.signCheck,
      });
      const before = Float64Array.from(L.W, (w, i) => (init.keep[i] ? w : 0));
      const after = Float64Array.from(L.W, (w, i) => (d.keep[i] ? w : 0));
      const mean = (a: Float64Array) => a.reduce((s, x) => s + x, 0) / Math.max(1, a.length);
      return maskRun(L, d.keep, after, init.scores, {
        metrics: {
          relErrInitial: weightErrors(L, before).relErr,
          swaps: d.swaps,
          rowsIncreased: d.rowsIncreased,
          meanAbsShiftBefore: mean(d.errBefore),
          meanAbsShiftAfter: mean(d.errAfter),
        },
        views: { shiftBefore: Array.from(d.errBefore), shiftAfter: Array.from(d.errAfter) },
      });
    },
    python: dsnotPython,
  },
  rsparse: {
    reference(L, _p, v, s) {
      const fit = rsparseFit(L.W, L.Xcal, L.tokens, L.rows, L.cols, s, v.alpha);
      const held = rsparseForward(L.W, fit, L.Xheld, L.held, L.rows, L.cols);
      const cal = rsparseForward(L.W, fit, L.Xcal, L.tokens, L.rows, L.cols);
      let skipped = 0;
      for (const k of held.actKeep) skipped += 1 - k;
      return {
        approx: null,
        keep: null,
        scores: null,
        relErr: relErrOutputs(L.W, held.Y, L.Xheld, L.held, L.rows, L.cols),
        relErrCal: relErrOutputs(L.W, cal.Y, L.Xcal, L.tokens, L.rows, L.cols),
        sparsity: s,
        metrics: {
          rank: fit.rank,
          maskSparsityTarget: fit.maskSparsity,
          maskSparsityCalib: 1 - fit.calibDensity,
          maskSparsityHeld: skipped / held.actKeep.length,
          theta: fit.theta,
        },
        arrays: {
          actMask: nd(held.actKeep, [L.held, L.cols], 'uint8'),
          lowRank: nd(Float32Array.from(fit.lowRank), [L.rows, L.cols]),
        },
        views: { spectrum: Array.from(fit.singularValues) },
        forward: (X, n) => rsparseForward(L.W, fit, X, n, L.rows, L.cols).Y,
      };
    },
    python: rsparsePython,
  },
  cospadi: {
    reference(L, _p, v) {
      const r = cospadiFit(L.W, L.Xcal, L.tokens, L.rows, L.cols, {
        atoms: v.atoms,
        nonzeros: v.nonzeros,
        iterations: v.iterations,
        percdamp: v.percdamp,
        seed: v.seed,
      });
      const e = weightErrors(L, r.approx);
      const svd = weightErrors(L, r.svdCalibrated);
      const plain = weightErrors(L, r.svdPlain);
      return {
        approx: r.approx,
        keep: null,
        scores: null,
        ...e,
        sparsity: 1 - r.storedValues / (L.rows * L.cols),
        metrics: {
          storedValues: r.storedValues,
          indexBits: r.indexBits,
          svdRank: r.svdRank,
          relErrSvdCalibrated: svd.relErr,
          relErrSvdPlain: plain.relErr,
        },
        arrays: {
          dictionary: nd(Float32Array.from(r.dictionary), [L.cols, v.atoms]),
          codes: nd(Float32Array.from(r.codes), [L.rows, v.atoms]),
        },
        views: { kSvdHistory: r.history },
      };
    },
    python: cospadiPython,
    // k atoms and s = k/4 non-zeros per row, so the stored values are about (1 − s)·rows·cols.
    sweepParams(v, rows, cols, s, maxAtoms) {
      const k = Math.max(1, Math.min(maxAtoms, Math.round(((1 - s) * rows * cols) / (cols + rows / 4))));
      return {
        ...v,
        atoms: k,
        nonzeros: Math.max(1, Math.round(k / 4)),
        iterations: Math.min(v.iterations, SWEEP_KSVD_ITERATIONS),
      };
    },
    baselines: [
      {
        metric: 'relErrSvdCalibrated',
        id: 'svd',
        label: 'Truncated SVD (calibrated), same size',
        pattern: 'low rank',
      },
    ],
  },
};

export interface MethodEntry extends PruningMethodInfo, MethodImpl {
  id: PruningMethod;
}

/** One entry per method: the spec's description joined with its compute. */
export const METHODS: Record<PruningMethod, MethodEntry> = Object.fromEntries(
  (Object.keys(PRUNING_METHODS) as PruningMethod[]).map((id) => [
    id,
    { id, ...(PRUNING_METHODS[id] as PruningMethodInfo), ...METHOD_IMPLS[id] },
  ]),
) as Record<PruningMethod, MethodEntry>;
