/**
 * GPU result vs the float64 reference. Methods with a selection step (block-sparse, HiP, SEA, SLA) are
 * checked twice: the CPU recomputes its own block scores and masks from Q and K and reports the mask
 * agreement (near-ties counted as agreement, see mask-agreement.ts; any other difference fails the check),
 * and the output is compared with exact attention over the GPU's mask — which the first check has just
 * verified — so a float32 near-tie in the selection cannot show up as a kernel error. SLA's reference
 * classifies its own blocks. Cheap runs are checked on every row; larger ones on evenly spaced rows of
 * every head unless a full check is asked for.
 */
import { toFloat64 } from '../../core/ndarray';
import {
  blockKeys,
  blockScoresRef,
  blockSelfSimilarity,
  topkCount,
} from '../../reference/attention/blocksparse';
import { type AttnResult, attendKeysInto, rangeKeys } from '../../reference/attention/dense';
import { gatherKeys } from '../../reference/attention/gather';
import { hipNodes, hipSelectBlock, hipTileLists } from '../../reference/attention/hip';
import { llsaRef } from '../../reference/attention/llsa';
import { logLinearAttentionRef } from '../../reference/attention/loglinear';
import { seaBucket, seaEstimateRef } from '../../reference/attention/sea';
import { SLA_CLASS, slaClassify, slaCounts, slaRef } from '../../reference/attention/sla';
import { windowKeys } from '../../reference/attention/window';
import { breathe, maxRelDiff, type Parity, type RunContext, type RunOutput } from '../types';
import type { loadProblem } from './inputs';
import {
  type Agreement,
  addAgreement,
  emptyAgreement,
  type RowSelection,
  rowAgreement,
  scoreTolerance,
} from './mask-agreement';
import type { AttnValues } from './method-types';

/** Up to this many multiply-adds the check covers every row. */
const FULL_CHECK_MACS = 3e7;

type Problem = ReturnType<typeof loadProblem>;
const headOf = (p: Problem, a: Float32Array, h: number) => a.subarray(h * p.n * p.d, (h + 1) * p.n * p.d);

/** What a method's parity check is given: its values, the problem, the run's context and result, and whether to check in full. */
export interface ParityArgs {
  v: AttnValues;
  p: Problem;
  ctx: RunContext;
  out: RunOutput;
  full: boolean;
}

/** The feature options of the linear family's references. */
const featureOpts = ({ v, p }: ParityArgs) => ({
  n: p.n,
  d: p.d,
  causal: p.causal,
  featureMap: v.featureMap,
  favorFeatures: v.favorFeatures,
  seed: v.seed,
  chunk: v.chunk,
});
export type FeatureRefOpts = ReturnType<typeof featureOpts>;

/**
 * The linear family: the whole output against the method's float64 reference, head by head (`ref`), plus an
 * optional mask agreement (SLA's block classes).
 */
export async function linearFamilyParity(
  a: ParityArgs,
  ref: (
    h: number,
    q: Float32Array,
    k: Float32Array,
    v: Float32Array,
    fo: FeatureRefOpts,
  ) => ArrayLike<number>,
  mask: MaskCheck | null = null,
): Promise<Parity> {
  const { p, ctx, out, full } = a;
  const { heads: H, n, d } = p;
  if (!full && H * n > 8192)
    return {
      status: 'skipped',
      reason: 'linear-family reference is run on request (check parity) above H·N = 8192',
    };
  const got = toFloat64(out.arrays.out);
  const want = new Float64Array(H * n * d);
  const fo = featureOpts(a);
  for (let h = 0; h < H; h++) {
    want.set(ref(h, headOf(p, p.q, h), headOf(p, p.k, h), headOf(p, p.v, h), fo), h * n * d);
    await breathe(ctx.signal);
  }
  const diff = maxRelDiff(got, want);
  return withMask(
    { status: 'checked', maxRelDiff: diff, tolerance: 5e-4, ok: diff <= 5e-4, compared: 'all' },
    mask,
  );
}

/** Log-linear's reference for head h, with the level weights the run used (fitted ones are in the result). */
export function logLinearRef(a: ParityArgs) {
  const lw = a.out.arrays.levelWeights;
  return (h: number, q: Float32Array, k: Float32Array, vv: Float32Array, fo: FeatureRefOpts) =>
    logLinearAttentionRef(q, k, vv, {
      ...fo,
      beta: a.v.beta,
      lambdas: lw ? (lw.data as Float32Array).subarray(h * lw.shape[1], (h + 1) * lw.shape[1]) : null,
    });
}

/** SLA's reference for head h with the projection the run used. */
export function slaHeadRef(a: ParityArgs) {
  const { v, out, p } = a;
  return (h: number, q: Float32Array, k: Float32Array, vv: Float32Array, fo: FeatureRefOpts) =>
    slaRef(q, k, vv, {
      ...fo,
      block: v.block,
      kh: v.kh,
      kl: v.kl,
      combine: v.combine,
      proj: slaProjection(v, out, h, p.d),
    }).out;
}

/** LLSA: the selection is the same CPU code on both backends; the check recomputes it and the attention in float64. */
export async function llsaParity({ v, p, ctx, out, full }: ParityArgs): Promise<Parity> {
  const { heads: H, n, d } = p;
  if (!full && H * n * n * d > 4e8)
    return { status: 'skipped', reason: 'LLSA reference is run on request (check parity) at this size' };
  const got = toFloat64(out.arrays.out);
  const want = new Float64Array(H * n * d);
  for (let h = 0; h < H; h++) {
    const o = { n, d, levels: v.llsaLevels, k: v.llsaK, enrich: v.llsaEnrich };
    want.set(llsaRef(headOf(p, p.q, h), headOf(p, p.k, h), headOf(p, p.v, h), o).out, h * n * d);
    await breathe(ctx.signal);
  }
  const diff = maxRelDiff(got, want);
  return { status: 'checked', maxRelDiff: diff, tolerance: 1e-4, ok: diff <= 1e-4, compared: 'all' };
}

/** The keys each (head, query) attended, read back from the result's mask arrays. */
export type KeysOf = (h: number, i: number) => ArrayLike<number>;

/**
 * Masked softmax methods: exact attention over the keys the run attended (`keysOf`), on every row when cheap,
 * else on evenly spaced rows of every head (`approxKeys`: keys per row, for that cost), plus the agreement of the
 * run's selection with the CPU's own (`selection`, null when the method has none).
 */
export async function maskedParity(
  a: ParityArgs,
  keysOf: KeysOf,
  approxKeys: number,
  selection: ((a: ParityArgs) => Promise<MaskCheck>) | null,
): Promise<Parity> {
  const { p, ctx, out, full } = a;
  const { heads: H, n, d } = p;
  const got = toFloat64(out.arrays.out);
  // Cost of one row ≈ its key count × d; sample rows evenly when the whole check would be large.
  const allRows = full || H * n * approxKeys * d <= FULL_CHECK_MACS;
  const perHead = allRows ? n : Math.max(1, Math.min(n, Math.floor(FULL_CHECK_MACS / (H * approxKeys * d))));
  const gotRows: number[] = [];
  const wantRows: number[] = [];
  for (let h = 0; h < H; h++) {
    const r: AttnResult = { out: new Float64Array(n * d), lse: new Float64Array(n) };
    for (let s = 0; s < perHead; s++) {
      const i = Math.floor((s * n) / perHead);
      attendKeysInto(
        r,
        headOf(p, p.q, h),
        headOf(p, p.k, h),
        headOf(p, p.v, h),
        d,
        (row) => keysOf(h, row),
        i,
        i + 1,
      );
      for (let e = 0; e < d; e++) {
        gotRows.push(got[(h * n + i) * d + e]);
        wantRows.push(r.out[i * d + e]);
      }
    }
    await breathe(ctx.signal);
  }
  const diff = maxRelDiff(gotRows, wantRows);
  const mask = selection ? await selection(a) : null;
  return withMask(
    {
      status: 'checked',
      maxRelDiff: diff,
      tolerance: 1e-4,
      ok: diff <= 1e-4,
      compared: allRows ? 'all' : `${perHead} rows per head`,
    },
    mask,
  );
}

/** Adds the mask agreement to an output comparison: a mismatch the near-ties do not explain fails it. */
function withMask(parity: Parity, mask: MaskCheck | null): Parity {
  if (!mask) return parity;
  const agreement = mask.union ? mask.agree / mask.union : 1;
  return {
    ...parity,
    ok: parity.ok === true && mask.mismatches === 0,
    maskAgreement: agreement,
    maskMismatches: mask.mismatches,
    details: [
      `mask: ${mask.agree} of ${mask.union} kept ${mask.unit} agree with the CPU's own selection (${mask.ties} near-ties), ${mask.compared}`,
      ...(mask.mismatches
        ? [`${mask.mismatches} kept ${mask.unit} differ from the CPU's selection without a near-tie`]
        : []),
    ],
  };
}

/** An agreement count with what was compared and in which unit (key blocks, or SEA's position buckets). */
type MaskCheck = Agreement & { compared: string; unit: string };

/** Multiply-adds of HiP's mask search re-run on the CPU in an automatic check (query blocks are sampled above). */
const HIP_CHECK_MACS = 3e7;

/** Block-sparse: the CPU's own block scores, guard and top-k / top-p from Q and K, against the run's blocks. */
export async function blockSparseAgreement({ v, p, out, ctx }: ParityArgs): Promise<MaskCheck> {
  const { heads: H, n, d, causal } = p;
  const signal = ctx.signal;
  const head = (a: Float32Array, h: number) => headOf(p, a, h);
  let total = emptyAgreement();
  const blocks = out.arrays.blocks;
  const nb = blocks.shape[1];
  const kept = blocks.data as Int32Array;
  for (let h = 0; h < H; h++) {
    const s = blockScoresRef(head(p.q, h), head(p.k, h), { n, d, causal, block: v.block });
    // SpargeAttn's guard (plain TypeScript on both backends), recomputed here from Q and K.
    const guard = v.simGuard
      ? {
          q: Array.from(blockSelfSimilarity(head(p.q, h), n, d, v.block), (x) => x > v.simTheta),
          k: Array.from(blockSelfSimilarity(head(p.k, h), n, d, v.block, true), (x) => x > v.simTheta),
        }
      : null;
    for (let I = 0; I < nb; I++) {
      const row = s.subarray(I * nb, (I + 1) * nb);
      const gpu = new Set<number>();
      // 1 = selected, 2 = forced by the guard: both are computed.
      for (let J = 0; J < nb; J++) if (kept[(h * nb + I) * nb + J] >= 1) gpu.add(J);
      const sel = blockSelection(v, row, I, nb, n, causal, guard);
      total = addAgreement(total, rowAgreement(sel, gpu, scoreTolerance(row)));
    }
    await breathe(signal);
  }
  return { ...total, unit: 'blocks', compared: 'every query block' };
}

/** HiP: the CPU's own tree search from Q and K, against the run's mask (query blocks sampled when large). */
export async function hipAgreement({ v, p, out, full, ctx }: ParityArgs): Promise<MaskCheck> {
  const { heads: H, n, d, causal } = p;
  const signal = ctx.signal;
  const head = (a: Float32Array, h: number) => headOf(p, a, h);
  let total = emptyAgreement();
  const mask = out.arrays.mask;
  const [, nqb, K] = mask.shape;
  const words = mask.data as Int32Array;
  const o = { n, d, causal, window: v.window, sinks: v.sinks, k: v.hipK, bk: v.hipBk, bsq: v.hipBsq };
  const perBlock = 2 * hipNodes(o) * Math.ceil(32 / o.bsq) * o.bk * d * Math.max(1, Math.log2(n / o.bk));
  const every = full ? 1 : Math.max(1, Math.ceil((H * nqb * perBlock) / HIP_CHECK_MACS));
  for (let h = 0; h < H; h++) {
    for (let B = 0; B < nqb; B += every) {
      const cuts = { minGap: Number.POSITIVE_INFINITY, scale: 0 };
      const cpu = hipSelectBlock(head(p.q, h), head(p.k, h), o, B, cuts);
      const row = words.subarray((h * nqb + B) * K, (h * nqb + B + 1) * K);
      const gpu =
        row[0] === -2
          ? null
          : new Set(
              Array.from(row)
                .filter((x) => x >= 0)
                .map((x) => (x - o.sinks) / o.bk),
            );
      total = addAgreement(total, hipRowAgreement(cpu, gpu, cuts, scoreTolerance([cuts.scale])));
    }
    await breathe(signal);
  }
  return {
    ...total,
    unit: 'blocks',
    compared: every === 1 ? 'every query block' : `every ${every}th query block`,
  };
}

/** SEA: the CPU's own estimate and top-k buckets from Q and K, against the run's mask. */
export async function seaAgreement({ v, p, out, full, ctx }: ParityArgs): Promise<MaskCheck> {
  const { heads: H, n, d, causal } = p;
  const signal = ctx.signal;
  const head = (a: Float32Array, h: number) => headOf(p, a, h);
  let total = emptyAgreement();
  const mask = out.arrays.mask;
  const cols = mask.shape[2];
  const keep = mask.data as Uint8Array;
  const o = {
    n,
    d,
    causal,
    rho: v.rho,
    featureMap: v.featureMap,
    favorFeatures: v.favorFeatures,
    chunk: v.chunk,
    seed: v.seed,
  };
  // The estimate is a linear attention per head (~4·N·d·T_M multiply-adds): all heads when cheap.
  const perHead = 4 * n * d * cols;
  const checkHeads = full ? H : Math.max(1, Math.min(H, Math.floor(SEA_CHECK_MACS / perHead)));
  for (let h = 0; h < checkHeads; h++) {
    const est = seaEstimateRef(head(p.q, h), head(p.k, h), o);
    for (let i = 0; i < n; i++) {
      const own = seaBucket(i, n, cols);
      const visible = causal ? own + 1 : cols;
      const row = est.subarray(i * cols, i * cols + visible);
      const order = Array.from({ length: visible }, (_, c) => c).sort((a, b) => row[b] - row[a] || a - b);
      const gpu = new Set<number>();
      for (let c = 0; c < cols; c++) if (keep[(h * n + i) * cols + c]) gpu.add(c);
      const sel: RowSelection = {
        order,
        score: (c) => row[c],
        keep: topkCount(v.rho, visible),
        forced: new Set([own]),
      };
      total = addAgreement(total, rowAgreement(sel, gpu, scoreTolerance(row, SEA_TOL)));
    }
    await breathe(signal);
  }
  return {
    ...total,
    unit: 'buckets',
    compared: checkHeads === H ? 'every query' : `every query of ${checkHeads} of ${H} heads`,
  };
}

/**
 * SEA's estimate is a linear-attention output over the position basis: its float32 error is larger than
 * a pooled dot product's, relative to the row's largest entry.
 */
const SEA_TOL = 1e-3;
/** Multiply-adds of SEA's estimate re-run on the CPU in an automatic check (heads are sampled above). */
const SEA_CHECK_MACS = 3e8;

/** The CPU's block-sparse selection of one query block: its order, count and the near-tie range of top-p. */
function blockSelection(
  v: AttnValues,
  row: Float64Array,
  I: number,
  nb: number,
  n: number,
  causal: boolean,
  guard: { q: boolean[]; k: boolean[] } | null,
): RowSelection {
  const vis: number[] = [];
  const forced = new Set([I, 0]);
  for (let J = 0; J < nb; J++) {
    if (causal && J > I) continue;
    if (guard && (!guard.q[I] || !guard.k[J])) forced.add(J);
    else if (row[J] > -1e38) vis.push(J);
  }
  vis.sort((a, b) => row[b] - row[a] || a - b);
  if (v.selection === 'topk')
    return { order: vis, score: (J) => row[J], keep: topkCount(v.rho, vis.length), forced };
  const max = vis.length ? row[vis[0]] : 0;
  const w = vis.map((J) => (Math.min(n, (J + 1) * v.block) - J * v.block) * Math.exp(row[J] - max));
  const total = w.reduce((a, b) => a + b, 0);
  // The lab's top-p: the smallest prefix reaching p. SpargeAttn's: the longest prefix staying ≤ p (≥ 1).
  const count =
    v.selection === 'topp_sparge'
      ? (p: number) => {
          let cum = 0;
          let keep = 0;
          for (let t = 0; t < vis.length; t++) {
            cum += w[t];
            if (cum <= p * total * (1 + 1e-12)) keep = t + 1;
            else break;
          }
          return Math.max(1, keep);
        }
      : (p: number) => {
          let cum = 0;
          for (let t = 0; t < vis.length; t++) {
            cum += w[t];
            if (cum >= p * total * (1 - 1e-12)) return t + 1;
          }
          return vis.length;
        };
  // float32 block masses: a threshold within ~1e-4 of a cumulative sum may land either side of it.
  return {
    order: vis,
    score: (J) => row[J],
    keep: count(v.topP),
    keepLo: count(v.topP * (1 - 1e-4)),
    keepHi: count(Math.min(1, v.topP * (1 + 1e-4))),
    forced,
  };
}

/** HiP: a query block's sets differ legitimately only when the CPU's own search met a near-tie at a cut. */
function hipRowAgreement(
  cpu: Int32Array | null,
  gpu: Set<number> | null,
  cuts: { minGap: number },
  tau: number,
): Agreement {
  if (cpu === null && gpu === null) return emptyAgreement(); // whole range kept by both: nothing selected
  const a = new Set(cpu ?? []);
  const b = gpu ?? new Set<number>();
  if ((cpu === null) !== (gpu === null))
    return { union: Math.max(a.size, b.size), agree: 0, mismatches: Math.max(a.size, b.size), ties: 0 };
  const union = new Set([...a, ...b]);
  let both = 0;
  for (const j of union) if (a.has(j) && b.has(j)) both++;
  const differ = union.size - both;
  const tie = differ > 0 && cuts.minGap <= 2 * tau;
  return {
    union: union.size,
    agree: both + (tie ? differ : 0),
    mismatches: tie ? 0 : differ,
    ties: tie ? differ : 0,
  };
}

/** SLA: the CPU's own block classes (critical; critical + marginal) against the GPU's. */
export function slaAgreement(v: AttnValues, p: Problem, out: RunOutput): MaskCheck | null {
  const classes = out.arrays.classes;
  if (!classes) return null;
  const { heads: H, n, d, causal } = p;
  const nb = classes.shape[1];
  const gpuClasses = classes.data as Int32Array;
  const o = {
    n,
    d,
    causal,
    block: v.block,
    kh: v.kh,
    kl: v.kl,
    featureMap: v.featureMap,
    favorFeatures: v.favorFeatures,
    seed: v.seed,
  };
  let total = emptyAgreement();
  for (let h = 0; h < H; h++) {
    const c = slaClassify(
      p.q.subarray(h * n * d, (h + 1) * n * d),
      p.k.subarray(h * n * d, (h + 1) * n * d),
      o,
    );
    for (let I = 0; I < nb; I++) {
      const nAvail = causal ? I + 1 : nb;
      const row = c.scores.subarray(I * nb, (I + 1) * nb);
      const order = Array.from({ length: nAvail }, (_, J) => J).sort((a, b) => {
        if (causal && a === I) return -1;
        if (causal && b === I) return 1;
        return row[b] - row[a] || a - b;
      });
      const [nCrit, nKeep] = slaCounts(nAvail, v.kh, v.kl);
      const forced = causal ? new Set([I]) : undefined;
      const tau = scoreTolerance(row.subarray(0, nAvail));
      const gpuAt = (min: number) => {
        const s = new Set<number>();
        for (let J = 0; J < nAvail; J++) if (gpuClasses[(h * nb + I) * nb + J] >= min) s.add(J);
        return s;
      };
      const score = (J: number) => row[J];
      total = addAgreement(
        total,
        rowAgreement({ order, score, keep: nCrit, forced }, gpuAt(SLA_CLASS.critical), tau),
      );
      total = addAgreement(
        total,
        rowAgreement({ order, score, keep: nKeep, forced }, gpuAt(SLA_CLASS.marginal), tau),
      );
    }
  }
  return { ...total, unit: 'blocks', compared: 'critical and kept blocks of every query block' };
}

/** The SLA projection W the run used for head h: the stored fit, zero, or none (identity / mix). */
function slaProjection(v: AttnValues, out: RunOutput, h: number, d: number): ArrayLike<number> | null {
  if (v.combine !== 'sum' || v.projection === 'identity') return null;
  if (v.projection === 'zero') return new Float64Array((d + 1) * d);
  const w = out.arrays.slaProj;
  if (!w) throw new Error('SLA fitted projection: the result has no slaProj array to check against');
  return (w.data as Float32Array).subarray(h * (d + 1) * d, (h + 1) * (d + 1) * d);
}

/** Window + sinks: the band and the sinks of each query. */
export function windowKeyLists(v: AttnValues, p: Problem, _out: RunOutput): KeysOf {
  const { n, d, causal } = p;
  const o = { n, d, causal, window: v.window, sinks: v.sinks };
  return (_h, i) => windowKeys(o, i);
}

/** Block-sparse: the kept (selected or forced) blocks of the run. */
export function blockSparseKeyLists(v: AttnValues, p: Problem, out: RunOutput): KeysOf {
  const { n, causal } = p;
  const blocks = out.arrays.blocks;
  const nb = blocks.shape[1];
  const lists = Array.from({ length: p.heads }, (_, h) =>
    Array.from({ length: nb }, (_, I) => {
      const row = (blocks.data as Int32Array).subarray((h * nb + I) * nb, (h * nb + I + 1) * nb);
      const kept: number[] = [];
      for (let J = 0; J < nb; J++) if (row[J] >= 1) kept.push(J);
      return Int32Array.from(kept);
    }),
  );
  return (h, i) => blockKeys(lists[h], v.block, n, causal, i);
}

/** HiP: the run's selected key blocks as gather tiles. */
export function hipKeyLists(v: AttnValues, p: Problem, out: RunOutput): KeysOf {
  const { n, d, causal } = p;
  const mask = out.arrays.mask;
  const [, nqb, K] = mask.shape;
  const o = { n, d, causal, window: v.window, sinks: v.sinks, k: v.hipK, bk: v.hipBk, bsq: v.hipBsq };
  const tiles = Array.from({ length: p.heads }, (_, h) => {
    const sel = Array.from({ length: nqb }, (_, B) => {
      const row = (mask.data as Int32Array).subarray((h * nqb + B) * K, (h * nqb + B + 1) * K);
      return row[0] === -2
        ? null
        : Int32Array.from(
            Array.from(row).filter((x) => x >= 0),
            (x) => (x - v.sinks) / v.hipBk,
          );
    });
    return hipTileLists(o, sel);
  });
  const go = { ...o, words: 0 };
  return (h, i) => gatherKeys(go, tiles[h], null, i);
}

/** SEA: the keys of the run's kept buckets. */
export function seaKeyLists(_v: AttnValues, p: Problem, out: RunOutput): KeysOf {
  const { n, causal } = p;
  const mask = out.arrays.mask;
  const cols = mask.shape[2];
  const bits = mask.data as Uint8Array;
  return (h, i) => {
    const keys: number[] = [];
    for (let j = 0; j < (causal ? i + 1 : n); j++)
      if (bits[(h * n + i) * cols + seaBucket(j, n, cols)]) keys.push(j);
    return keys;
  };
}

/** Every visible key (dense). */
export function allKeyLists(_v: AttnValues, p: Problem, _out: RunOutput): KeysOf {
  const { n, causal } = p;
  const upTo = rangeKeys(n);
  return (_h, i) => upTo(causal ? i + 1 : n);
}
