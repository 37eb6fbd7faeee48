/**
 * The batched phase-diagram solver: one dispatch builds a batch of independent problems on the GPU
 * (shaders/regression/phase-generate.wgsl, the twin of workers/reference/regression/phase.ts) and one more solves
 * them all, one workgroup per problem (phase-omp.wgsl or phase-fista.wgsl).
 */
import phaseBatch from '../../../shaders/common/phase-batch.wgsl?raw';
import phaseSolve from '../../../shaders/common/phase-solve.wgsl?raw';
import codeFista from '../../../shaders/regression/phase-fista.wgsl?raw';
import codeGenerate from '../../../shaders/regression/phase-generate.wgsl?raw';
import codeOmp from '../../../shaders/regression/phase-omp.wgsl?raw';
import { readFloat32 } from '../../gpu/buffers';
import type { GpuContext } from '../../gpu/device';
import { grid, PassList, program } from '../../gpu/pass';

/** Threads per problem's workgroup (a power of two: the kernels reduce by tree). */
const WG = 64;
const programOf = (key: string, body: string, prelude: string[]) =>
  program(`regression-${key}`, body, { prelude, constants: { WG } });
/** The batched kernels: generate the problems, then solve each by OMP or by FISTA. */
const PROGRAMS = {
  generate: programOf('phase-generate', codeGenerate, [phaseBatch]),
  omp: programOf('phase-omp', codeOmp, [phaseBatch, phaseSolve]),
  fista: programOf('phase-fista', codeFista, [phaseBatch, phaseSolve]),
};

export const PHASE_MAX = 512;

export interface PhaseBatch {
  keys: Uint32Array;
  ns: Uint32Array;
  ks: Uint32Array;
  d: number;
  gaussianValues: boolean;
  sigma: number;
}

export interface PhaseSolveOptions {
  /** Which batched kernel solves each problem. */
  kernel: 'omp' | 'fista';
  /** FISTA: gap tolerance (relative to ‖y‖²), iteration cap, α/α_max, check period. */
  tol: number;
  maxIter: number;
  ratio: number;
  every?: number;
}

export interface PhaseBatchResult {
  coef: Float32Array;
  wTrue: Float32Array;
  /** FISTA only: per problem [iterations, gap/‖y‖², restarts, L]. */
  info: Float32Array | null;
  /** When asked for: the generated designs and responses (for the generator's parity test). */
  X?: Float32Array;
  y?: Float32Array;
  xOffsets?: Uint32Array;
  yOffsets?: Uint32Array;
}

/** Floats of the batch's buffers: designs, responses, OMP's Cholesky scratch, and the d-long outputs. */
export function phaseBatchSizes(ns: ArrayLike<number>, ks: ArrayLike<number>, d: number) {
  let x = 0;
  let y = 0;
  let l = 0;
  for (let p = 0; p < ns.length; p++) {
    const k = Math.min(ks[p], ns[p], d);
    x += ns[p] * d;
    y += ns[p];
    l += k * k;
  }
  return { x, y, l, out: 2 * ns.length * d };
}

export async function phaseBatchGpu(
  ctx: GpuContext,
  batch: PhaseBatch,
  o: PhaseSolveOptions,
  keepProblems = false,
): Promise<PhaseBatchResult> {
  const { device } = ctx;
  const count = batch.keys.length;
  const d = batch.d;
  if (d > PHASE_MAX) throw new Error(`batched phase solver: d = ${d} exceeds ${PHASE_MAX}`);
  const desc = new Uint32Array(count * 8);
  const xOffsets = new Uint32Array(count);
  const yOffsets = new Uint32Array(count);
  let xOff = 0;
  let yOff = 0;
  let lOff = 0;
  for (let p = 0; p < count; p++) {
    const n = batch.ns[p];
    if (n > PHASE_MAX) throw new Error(`batched phase solver: n = ${n} exceeds ${PHASE_MAX}`);
    const k = Math.min(batch.ks[p], n, d);
    desc.set([batch.keys[p], n, batch.ks[p], xOff, yOff, lOff, 0, 0], p * 8);
    xOffsets[p] = xOff;
    yOffsets[p] = yOff;
    xOff += n * d;
    yOff += n;
    lOff += k * k;
  }
  const list = new PassList(ctx, 'phase');
  try {
    const bufDesc = list.data('desc', desc);
    const bufX = list.empty('X', xOff * 4);
    const bufY = list.empty('y', yOff * 4);
    const bufW = list.empty('wTrue', count * d * 4);
    const bufCoef = list.empty('coef', count * d * 4);
    // OMP's per-problem Cholesky factors, or FISTA's per-problem [iterations, gap, restarts, L].
    const bufScratch = o.kernel === 'omp' ? list.empty('L', lOff * 4) : list.empty('info', count * 4 * 4);
    const genParams = list.uniform('genParams', [
      { u32: d },
      { u32: count },
      { u32: batch.gaussianValues ? 1 : 0 },
      { f32: batch.sigma },
    ]);
    const solveParams =
      o.kernel === 'omp'
        ? list.uniform('ompParams', [{ u32: d }, { u32: count }, { u32: 0 }, { u32: 0 }])
        : list.uniform('fistaParams', [
            { u32: d },
            { u32: count },
            { u32: o.maxIter },
            { u32: o.every ?? 10 },
            { f32: o.tol },
            { f32: o.ratio },
            { f32: 0 },
            { f32: 0 },
          ]);
    // One workgroup per problem.
    const problems = grid(count, 1);
    list
      .add(PROGRAMS.generate, [bufDesc, bufX, bufY, bufW, genParams], problems)
      .add(PROGRAMS[o.kernel], [bufDesc, bufX, bufY, bufCoef, bufScratch, solveParams], problems);
    list.run();
    const coef = await readFloat32(device, bufCoef, count * d);
    const wTrue = await readFloat32(device, bufW, count * d);
    const info = o.kernel === 'fista' ? await readFloat32(device, bufScratch, count * 4) : null;
    const out: PhaseBatchResult = { coef, wTrue, info };
    if (keepProblems) {
      out.X = await readFloat32(device, bufX, xOff);
      out.y = await readFloat32(device, bufY, yOff);
      out.xOffsets = xOffsets;
      out.yOffsets = yOffsets;
    }
    return out;
  } finally {
    list.destroy();
  }
}
