/**
 * One small op builder per SAE shader (shaders/sae/*.wgsl): each packs its uniform and binds buffers in
 * the shader's binding order. GpuSae (train.ts) chains them into a training step.
 */
import actCode from '../../../../shaders/sae/train-act.wgsl?raw';
import actGradCode from '../../../../shaders/sae/train-act-grad.wgsl?raw';
import adamCode from '../../../../shaders/sae/train-adam.wgsl?raw';
import bdecCode from '../../../../shaders/sae/train-bdec-grad.wgsl?raw';
import colcountCode from '../../../../shaders/sae/train-colcount.wgsl?raw';
import cscCountCode from '../../../../shaders/sae/train-csc-count.wgsl?raw';
import cscFillCode from '../../../../shaders/sae/train-csc-fill.wgsl?raw';
import cscSortCode from '../../../../shaders/sae/train-csc-sort.wgsl?raw';
import decodeSparseCode from '../../../../shaders/sae/train-decode-sparse.wgsl?raw';
import densifyCode from '../../../../shaders/sae/train-densify.wgsl?raw';
import gatherCode from '../../../../shaders/sae/train-gather.wgsl?raw';
import polyBackACode from '../../../../shaders/sae/train-poly-back-a.wgsl?raw';
import polyBackCCode from '../../../../shaders/sae/train-poly-back-c.wgsl?raw';
import polyCholCode from '../../../../shaders/sae/train-poly-chol.wgsl?raw';
import polyDecodeCode from '../../../../shaders/sae/train-poly-decode.wgsl?raw';
import polyLambdaCode from '../../../../shaders/sae/train-poly-lambda.wgsl?raw';
import radixHistCode from '../../../../shaders/sae/train-radix-hist.wgsl?raw';
import radixPickCode from '../../../../shaders/sae/train-radix-pick.wgsl?raw';
import residualCode from '../../../../shaders/sae/train-residual.wgsl?raw';
import rownormCode from '../../../../shaders/sae/train-rownorm.wgsl?raw';
import scanCode from '../../../../shaders/sae/train-scan.wgsl?raw';
import sliceCode from '../../../../shaders/sae/train-slice.wgsl?raw';
import sparseDotCode from '../../../../shaders/sae/train-sparse-dot.wgsl?raw';
import sparseGradCode from '../../../../shaders/sae/train-sparse-grad.wgsl?raw';
import statsCode from '../../../../shaders/sae/train-stats.wgsl?raw';
import type { Op, PassList } from '../../../gpu/pass';
import { saeFlatOp, saeOp } from './op';

type B = GPUBuffer;
const u = (v: number) => ({ u32: v });
const f = (v: number) => ({ f32: v });

export const gatherOp = (
  bs: PassList,
  data: B,
  rows: B,
  bDec: B,
  X: B,
  xc: B,
  Bn: number,
  d: number,
  centre = true,
): Op =>
  saeFlatOp(
    bs,
    'sae-gather',
    gatherCode,
    [data, rows, bDec, X, xc, bs.uniform('gather', [u(Bn), u(d), u(0), u(0)])],
    Bn * d,
    256,
    { CENTRE: centre ? 1 : 0 },
  );

export function residualOp(
  bs: PassList,
  b: { X: B; xraw: B; bDec: B; e: B; G: B; rowSq: B; sc: B },
  s: { B: number; d: number; variance: number; auxCoeff: number; aux: boolean },
): Op {
  const U = bs.uniform('residual', [u(s.B), u(s.d), f(2 / (s.B * s.variance)), f(s.auxCoeff)]);
  return saeFlatOp(
    bs,
    'sae-residual',
    residualCode,
    [b.X, b.xraw, b.bDec, b.e, b.G, b.rowSq, b.sc, U],
    s.B,
    64,
    {
      AUX: s.aux ? 1 : 0,
    },
  );
}

export interface StatsShape {
  B: number;
  M: number;
  variance: number;
  auxCoeff: number;
  deadAfter: number;
  hasAux: boolean;
  hasSparsity: boolean;
  batchTheta: boolean;
}

export function statsOp(
  bs: PassList,
  b: { rowSq: B; lat: B; fired: B; sc: B; minKept: B },
  s: StatsShape,
  preAux: boolean,
): Op {
  const U = bs.uniform('stats', [
    u(s.B),
    u(s.M),
    f(1 / (s.B * s.variance)),
    f(s.auxCoeff),
    f(s.deadAfter),
    u(s.hasAux ? 1 : 0),
    u(s.hasSparsity ? 1 : 0),
    u(s.batchTheta ? 1 : 0),
  ]);
  return saeOp(bs, 'sae-stats', statsCode, [b.rowSq, b.lat, b.fired, b.sc, b.minKept, U], [1], {
    PRE_AUX: preAux ? 1 : 0,
  });
}

export const adamOp = (bs: PassList, p: B, g: B, m: B, v: B, n: number, step: B): Op =>
  saeFlatOp(
    bs,
    'sae-adam',
    adamCode,
    [p, g, m, v, bs.uniform('adam', [u(n), u(0), u(0), u(0)]), step],
    n,
    256,
  );

export const rownormOp = (
  bs: PassList,
  W: B,
  g: B,
  lat: B,
  M: number,
  d: number,
  project: boolean,
  coef: boolean,
  removeParallel = true,
): Op =>
  saeFlatOp(
    bs,
    'sae-rownorm',
    rownormCode,
    [W, g, lat, bs.uniform('rownorm', [u(M), u(d), u(0), u(0)])],
    M,
    64,
    {
      PROJECT: project ? 1 : 0,
      HAS_COEF: coef ? 1 : 0,
      REMOVE_PARALLEL: removeParallel ? 1 : 0,
    },
  );

export const bdecGradOp = (
  bs: PassList,
  G: B,
  gbEnc: B,
  Wenc: B,
  gbDec: B,
  Bn: number,
  M: number,
  d: number,
  centre = true,
): Op =>
  saeFlatOp(
    bs,
    'sae-bdec-grad',
    bdecCode,
    [G, gbEnc, Wenc, gbDec, bs.uniform('bdec', [u(Bn), u(M), u(d), u(0)])],
    d,
    64,
    { CENTRE: centre ? 1 : 0 },
  );

/** Entries: B rows of E selected codes (idx, and ent = values then their gradients); the first kMain are the main codes. */
export interface EntryShape {
  B: number;
  E: number;
  kMain: number;
}

export const decodeSparseOp = (
  bs: PassList,
  idx: B,
  ent: B,
  A: B,
  out: B,
  s: EntryShape & { w: number; rows: number },
): Op =>
  saeFlatOp(
    bs,
    'sae-decode-sparse',
    decodeSparseCode,
    [
      idx,
      ent,
      A,
      out,
      bs.uniform('decode', [u(s.B), u(s.w), u(s.E), u(s.kMain), u(s.rows), u(0), u(0), u(0)]),
    ],
    s.rows * s.w,
    256,
  );

export const sparseDotOp = (bs: PassList, idx: B, ent: B, G: B, A: B, s: EntryShape & { w: number }): Op =>
  saeFlatOp(
    bs,
    'sae-sparse-dot',
    sparseDotCode,
    [idx, ent, G, A, bs.uniform('sdot', [u(s.B), u(s.w), u(s.E), u(s.kMain)])],
    s.B * s.E,
    256,
  );

export const densifyOp = (bs: PassList, idx: B, ent: B, z: B, s: EntryShape & { M: number }): Op =>
  saeFlatOp(
    bs,
    'sae-densify',
    densifyCode,
    [idx, ent, z, bs.uniform('densify', [u(s.B), u(s.M), u(s.E), u(s.kMain)])],
    s.B * s.E,
    256,
  );

/**
 * The CSC build + sparse-transposed gradient products, as five ops (counters must be cleared before): count,
 * scan, fill (atomic, any order), sort each latent's list by entry (a fixed order, so the float sums are
 * bit-reproducible), and the per-latent sums.
 */
export function sparseGradOps(
  bs: PassList,
  b: {
    idx: B;
    ent: B;
    count: B;
    fired: B;
    offsets: B;
    cursor: B;
    list: B;
    order: B;
    G: B;
    xc: B;
    gA: B;
    gWenc: B;
    gbEnc: B;
  },
  s: EntryShape & { M: number; w: number; d: number },
): Op[] {
  const n = s.B * s.E;
  return [
    saeFlatOp(
      bs,
      'sae-csc-count',
      cscCountCode,
      [b.idx, b.ent, b.count, b.fired, bs.uniform('csc', [u(s.B), u(s.E), u(s.kMain), u(0)])],
      n,
      256,
    ),
    saeOp(
      bs,
      'sae-scan',
      scanCode,
      [b.count, b.offsets, b.cursor, bs.uniform('scan', [u(s.M), u(0), u(0), u(0)])],
      [1],
    ),
    saeFlatOp(
      bs,
      'sae-csc-fill',
      cscFillCode,
      [b.idx, b.ent, b.cursor, b.list, bs.uniform('fill', [u(s.B), u(s.E), u(0), u(0)])],
      n,
      256,
    ),
    saeFlatOp(
      bs,
      'sae-csc-sort',
      cscSortCode,
      [b.idx, b.ent, b.list, b.offsets, b.order, bs.uniform('sort', [u(n), u(0), u(0), u(0)])],
      n,
      256,
    ),
    saeOp(
      bs,
      'sae-sparse-grad',
      sparseGradCode,
      [
        b.order,
        b.offsets,
        b.ent,
        b.G,
        b.xc,
        b.gA,
        b.gWenc,
        b.gbEnc,
        bs.uniform('sgrad', [u(s.B), u(s.E), u(s.kMain), u(s.w), u(s.d), u(s.M), u(0), u(0)]),
      ],
      [Math.min(s.M, 65535), Math.ceil(s.M / 65535)],
    ),
  ];
}

export type ActMode = 'jump' | 'batch' | 'theta';
export const actOp = (
  bs: PassList,
  b: { pre: B; logTheta: B; z: B; sel: B; minKept: B; sc: B },
  Bn: number,
  M: number,
  mode: ActMode,
): Op =>
  saeFlatOp(
    bs,
    'sae-act',
    actCode,
    [b.pre, b.logTheta, b.z, b.sel, b.minKept, b.sc, bs.uniform('act', [u(Bn), u(M), u(0), u(0)])],
    Bn * M,
    256,
    { MODE: { jump: 0, batch: 1, theta: 2 }[mode] },
  );

export type ActGradMode = 'relu' | 'mask' | 'jump';
export function actGradOp(
  bs: PassList,
  b: { pre: B; z: B; gz: B; prm: B; gt: B; gbEnc: B; fired: B; lat: B; step: B },
  s: {
    B: number;
    M: number;
    d: number;
    hasAux: boolean;
    l1: number;
    bandwidth: number;
    l0: number;
    variance: number;
  },
  mode: ActGradMode,
): Op {
  const U = bs.uniform('actgrad', [
    u(s.B),
    u(s.M),
    u(s.d),
    u(s.hasAux ? 1 : 0),
    f(s.l1),
    f(s.bandwidth),
    f(s.l0),
    f(1 / (s.B * Math.sqrt(s.variance))),
  ]);
  return saeFlatOp(
    bs,
    'sae-act-grad',
    actGradCode,
    [b.pre, b.z, b.gz, b.prm, b.gt, b.gbEnc, b.fired, b.lat, U, b.step],
    s.M,
    64,
    { MODE: { relu: 0, mask: 1, jump: 2 }[mode] },
  );
}

/** BatchTopK's global threshold: init, then 4 radix passes (clear, histogram, digit choice). */
export function batchThresholdOps(
  bs: PassList,
  b: { pre: B; sel: B; hist: B; minKept: B },
  n: number,
  need: number,
): Op[] {
  const ops: Op[] = [
    saeOp(
      bs,
      'sae-radix-pick',
      radixPickCode,
      [b.hist, b.sel, b.minKept, bs.uniform('pick', [u(0), u(need), u(0), u(0)])],
      [1],
      {
        INIT: 1,
      },
    ),
  ];
  // Enough workgroups to fill a GPU, each looping over a stretch of the elements.
  const wx = Math.min(Math.ceil(n / 256), 1024);
  for (let p = 0; p < 4; p++) {
    const shift = 24 - 8 * p;
    ops.push({ kind: 'clear', buffer: b.hist });
    ops.push(
      saeOp(
        bs,
        'sae-radix-hist',
        radixHistCode,
        [b.pre, b.sel, b.hist, bs.uniform('hist', [u(n), u(shift), u(0), u(0)])],
        [wx],
      ),
    );
    ops.push(
      saeOp(
        bs,
        'sae-radix-pick',
        radixPickCode,
        [b.hist, b.sel, b.minKept, bs.uniform('pick', [u(shift), u(need), u(0), u(0)])],
        [1],
        {
          INIT: 0,
        },
      ),
    );
  }
  return ops;
}

export interface PolyShape {
  B: number;
  d: number;
  R1: number;
  R2: number;
}
const polyDims = (bs: PassList, s: PolyShape) => bs.uniform('poly', [u(s.B), u(s.d), u(s.R1), u(s.R2)]);

export const polyDecodeOp = (
  bs: PassList,
  b: { a: B; C1: B; C2: B; C3: B; lam: B; out: B },
  s: PolyShape,
): Op =>
  saeFlatOp(
    bs,
    'sae-poly-decode',
    polyDecodeCode,
    [b.a, b.C1, b.C2, b.C3, b.lam, b.out, polyDims(bs, s)],
    s.B * s.d,
    256,
  );

export const polyBackOps = (
  bs: PassList,
  b: { G: B; a: B; C1: B; C2: B; C3: B; lam: B; ga: B; part: B; gC1: B; gC2: B; gC3: B; glam: B },
  s: PolyShape,
): Op[] => [
  saeFlatOp(
    bs,
    'sae-poly-back-a',
    polyBackACode,
    [b.G, b.a, b.C1, b.C2, b.C3, b.lam, b.ga, b.part, polyDims(bs, s)],
    s.B * s.R1,
    256,
  ),
  saeFlatOp(
    bs,
    'sae-poly-back-c',
    polyBackCCode,
    [b.G, b.a, b.lam, b.gC1, b.gC2, b.gC3, polyDims(bs, s)],
    s.d * s.R1,
    256,
  ),
  saeOp(
    bs,
    'sae-poly-lambda',
    polyLambdaCode,
    [b.part, b.glam, bs.uniform('plam', [u(s.B * s.R2), u(0), u(0), u(0)])],
    [1],
  ),
];

export const polyCholOp = (bs: PassList, gram: B, Linv: B, R: number): Op =>
  saeOp(bs, 'sae-poly-chol', polyCholCode, [gram, Linv, bs.uniform('chol', [u(R), u(0), u(0), u(0)])], [1]);

export const sliceOp = (bs: PassList, src: B, out: B, R: number, C: number, ld: number): Op =>
  saeFlatOp(
    bs,
    'sae-slice',
    sliceCode,
    [src, out, bs.uniform('slice', [u(R), u(C), u(ld), u(0)])],
    R * C,
    256,
  );

export const colcountOp = (bs: PassList, z: B, count: B, rowsUniform: B, M: number): Op =>
  saeFlatOp(bs, 'sae-colcount', colcountCode, [z, count, rowsUniform], M, 64);
