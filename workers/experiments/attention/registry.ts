/**
 * The attention lab's implementation table: per method, its runner on a backend (CPU reference or WebGPU, chosen by
 * the backend), the stages it records, its parity check against the float64 reference and the extra study it adds
 * to the views. Labels, help, fields, causality and GPU coverage are in ATTENTION_METHOD_INFO
 * (workers/spec/attention.ts); the cost model is in workers/scale/cost.ts and the Python export in
 * workers/export/attention-py.ts (both also reachable without the runners). Adding a method: an entry here and there,
 * plus its runner under methods/, its kernel, reference and parity test.
 */
import {
  PY_BLOCKS,
  PY_LLSA,
  PY_MASKS,
  PY_METHOD,
  PY_PHI,
  PY_SDPA,
  PY_SELECT,
} from '../../export/attention-py';
import { py as pyLiteral } from '../../export/python';
import { linearAttentionRef } from '../../reference/attention/linear';
import { llsaLevels } from '../../reference/attention/llsa';
import { DEFAULT_LOGLINEAR_BETA } from '../../reference/attention/loglinear';
import type { AttentionMethod } from '../../spec/attention';
import {
  type Backend,
  type Parity,
  type RunContext,
  type RunOutput,
  type StageRecord,
  stage,
} from '../types';
import type { AttnBackend, AttnProblem, AttnRun } from './backend';
import { guardStudy } from './guard-study';
import { loadProblem } from './inputs';
import type { AttnValues, MethodResult, MethodRunner } from './method-types';
import { runBlockSparse } from './methods/blocksparse';
import { runDense } from './methods/dense';
import { runHip } from './methods/hip';
import { runLinearScan } from './methods/linear';
import { runLlsa } from './methods/llsa';
import { runSea } from './methods/sea';
import { runSla } from './methods/sla';
import { runWindow } from './methods/window';
import {
  allKeyLists,
  blockSparseAgreement,
  blockSparseKeyLists,
  hipAgreement,
  hipKeyLists,
  linearFamilyParity,
  llsaParity,
  logLinearRef,
  maskedParity,
  type ParityArgs,
  seaAgreement,
  seaKeyLists,
  slaAgreement,
  slaHeadRef,
  windowKeyLists,
} from './parity';
import type { ChartView } from './views-data';

export interface AttentionMethodImpl {
  run: MethodRunner;
  /** The selection and attention stages of the method on backend `kind` (what `run` does with it). */
  stages: (kind: Backend) => StageRecord[];
  /** The run's output (and selection) against the float64 reference. */
  parity: (a: ParityArgs) => Promise<Parity>;
  /** Its Python (PyTorch) recomputation in the export (workers/export/attention.ts). */
  python: AttentionPython;
  /** A chart the method adds to single-method runs: the progress text and the run (null: none for these values). */
  study?: {
    stage: string;
    run: (
      v: AttnValues,
      p: AttnProblem,
      be: AttnBackend,
      dense: AttnRun,
      signal: AbortSignal,
    ) => Promise<ChartView> | null;
  };
}

/** How run.py recomputes a method. */
export interface AttentionPython {
  /** The spec values run.py reads (PARAMS), besides method and causal. */
  params: (v: AttnValues, n: number) => Record<string, unknown>;
  /** Python sources, in order, defining attention(q, k, v, lab, omega) (and select(q, k) when `selects`). */
  code: readonly string[];
  /** Whether run.py recomputes the lab's selection from Q and K and compares it. */
  selects: boolean;
  /** Whether the output is exact attention over the mask the lab selected (said in run.py's title). */
  labMask: boolean;
  /** Whether φ is used: FAVOR+'s projection goes to inputs.npz and EPS to run.py. */
  features: boolean;
  /** Extra constant lines of run.py. */
  constants?: (v: AttnValues) => string;
}

const pick = (v: AttnValues, keys: readonly (keyof AttnValues)[]) =>
  Object.fromEntries(keys.map((k) => [k, v[k]])) as Record<string, unknown>;
const masked = (mask: string, selects = false, labMask = true): AttentionPython => ({
  params: () => ({}),
  code: [PY_SDPA, ...(selects ? [PY_BLOCKS, PY_SELECT.blocksparse] : []), mask, PY_METHOD.masked],
  selects,
  labMask,
  features: false,
});

const attend = (kind: Backend, algorithm: string) => stage('attention', kind, algorithm);
const onCpu = (kind: Backend) =>
  kind === 'webgpu' ? 'the selection is plain TypeScript on both backends' : undefined;

export const ATTENTION_IMPLS: { [K in AttentionMethod]: AttentionMethodImpl } = {
  dense: {
    python: {
      params: () => ({}),
      code: [PY_SDPA, PY_METHOD.dense],
      selects: false,
      labMask: false,
      features: false,
    },
    run: runDense,
    stages: () => [],
    parity: (a) => maskedParity(a, allKeyLists(a.v, a.p, a.out), a.p.n, null),
  },
  window: {
    python: { ...masked(PY_MASKS.window, false, false), params: (v) => pick(v, ['window', 'sinks']) },
    run: runWindow,
    stages: (kind) => [attend(kind, 'sliding window + sinks')],
    parity: (a) =>
      maskedParity(a, windowKeyLists(a.v, a.p, a.out), Math.min(a.p.n, a.v.window + a.v.sinks), null),
  },
  blocksparse: {
    python: {
      ...masked(PY_MASKS.blocksparse, true),
      params: (v) =>
        pick(v, [
          'block',
          'selection',
          v.selection === 'topk' ? 'rho' : 'topP',
          ...(v.simGuard ? (['simGuard', 'simTheta'] as const) : []),
        ]),
    },
    run: runBlockSparse,
    stages: (kind) => [
      stage('block scores', kind, 'pooled block scores τ q̄·k̄'),
      stage('selection', 'cpu', 'top-k / top-p over the block scores', onCpu(kind)),
      attend(kind, 'block-sparse attention over the kept blocks'),
    ],
    parity: (a) => maskedParity(a, blockSparseKeyLists(a.v, a.p, a.out), a.p.n, blockSparseAgreement),
    study: {
      stage: 'self-similarity guard against θ',
      run: (v, p, be, dense, signal) => (v.simGuard ? guardStudy(v, p, be, dense, signal) : null),
    },
  },
  hip: {
    python: { ...masked(PY_MASKS.hip), params: (v) => pick(v, ['window', 'sinks', 'hipBk']) },
    run: runHip,
    stages: (kind) => [
      stage('selection', kind, 'HiP hierarchical top-k mask search'),
      attend(kind, 'gathered attention over the mask'),
    ],
    parity: (a) => maskedParity(a, hipKeyLists(a.v, a.p, a.out), a.p.n, hipAgreement),
  },
  sea: {
    python: masked(PY_MASKS.sea),
    run: runSea,
    stages: (kind) => [
      stage('mask estimate', kind, 'linear attention over position buckets'),
      stage('selection', 'cpu', 'top-k buckets per query', onCpu(kind)),
      attend(kind, 'gathered attention over the kept buckets'),
    ],
    parity: (a) => maskedParity(a, seaKeyLists(a.v, a.p, a.out), a.p.n, seaAgreement),
  },
  linear: {
    python: {
      params: (v) => pick(v, ['featureMap']),
      code: [PY_PHI, PY_METHOD.linear],
      selects: false,
      labMask: false,
      features: true,
    },
    run: (v, p, be, dense) => runLinearScan(v, p, be, dense, false),
    stages: (kind) => [attend(kind, 'linear attention (chunked prefix sums)')],
    parity: (a) => linearFamilyParity(a, (_h, q, k, vv, fo) => linearAttentionRef(q, k, vv, fo)),
  },
  sla: {
    python: {
      params: (v) =>
        pick(v, [
          'block',
          'kh',
          'kl',
          'featureMap',
          'combine',
          ...(v.combine === 'sum' ? (['projection'] as const) : []),
        ]),
      code: [PY_SDPA, PY_BLOCKS, PY_SELECT.sla, PY_PHI, PY_METHOD.sla],
      selects: true,
      labMask: false,
      features: true,
    },
    run: runSla,
    stages: (kind) => [
      stage('selection', kind, 'SLA block classification (critical / marginal / negligible)'),
      attend(kind, 'SLA: exact softmax on critical blocks + linear attention on marginal ones'),
      stage('kept mass', kind, 'block-sparse LSE over critical (and marginal) blocks'),
    ],
    parity: (a) => linearFamilyParity(a, slaHeadRef(a), slaAgreement(a.v, a.p, a.out)),
  },
  loglinear: {
    python: {
      params: (v) => pick(v, ['featureMap', 'levelWeights']),
      code: [PY_PHI, PY_METHOD.loglinear],
      selects: false,
      labMask: false,
      features: true,
      constants: (v) =>
        `\nBETA = ${pyLiteral(v.beta ?? DEFAULT_LOGLINEAR_BETA)}  # level weight lambda = beta^level (levelWeights = beta)`,
    },
    run: (v, p, be, dense) => runLinearScan(v, p, be, dense, true),
    stages: (kind) => [attend(kind, 'log-linear (Fenwick) attention')],
    parity: (a) => linearFamilyParity(a, logLinearRef(a)),
  },
  llsa: {
    python: {
      params: (v, n) => ({
        llsaK: v.llsaK,
        llsaEnrich: v.llsaEnrich,
        levels: llsaLevels(n, v.llsaLevels),
        ...(v.llsaLevels === 0 ? { levelsRule: 'auto: 1 below N = 16384, else 2' } : {}),
      }),
      code: [PY_SDPA, PY_LLSA],
      selects: false,
      labMask: false,
      features: false,
    },
    run: (v, p, be) => runLlsa(v, p, be),
    stages: (kind) => [
      stage('selection', 'cpu', 'LLSA hierarchical top-k over pooled levels', onCpu(kind)),
      attend(kind, 'LLSA: attention over the selected blocks with hierarchical KV enrichment'),
    ],
    parity: llsaParity,
  },
};

/** One attention method on the run's Q/K/V through a backend (the table's runner for `v.method`). */
export function runMethod(
  v: AttnValues,
  p: AttnProblem,
  be: AttnBackend,
  dense: AttnRun,
): Promise<MethodResult> {
  return ATTENTION_IMPLS[v.method].run(v, p, be, dense);
}

/**
 * GPU result vs the float64 reference (see parity.ts): the method's own check. A per-head hybrid has no combined
 * reference.
 */
export async function attentionParity(
  v: AttnValues,
  ctx: RunContext,
  out: RunOutput,
  full: boolean,
): Promise<Parity> {
  if (v.hybrid)
    return {
      status: 'skipped',
      reason: 'per-head hybrid: no combined reference; each method’s kernel has its own parity check',
    };
  return ATTENTION_IMPLS[v.method].parity({ v, p: loadProblem(v, ctx.data), ctx, out, full });
}
