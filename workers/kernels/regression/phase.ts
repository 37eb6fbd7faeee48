/**
 * The batched phase-diagram solver: one dispatch builds a batch of independent problems on the GPU
 * (shaders/regression/phase-generate.wgsl, the twin of workers/reference/regression/phase.ts) and one more solves
 * them all, one workgroup per problem (phase-omp.wgsl or phase-fista.wgsl).
 */
import codeFista from '../../../shaders/regression/phase-fista.wgsl?raw';
import codeGenerate from '../../../shaders/regression/phase-generate.wgsl?raw';
import codeOmp from '../../../shaders/regression/phase-omp.wgsl?raw';
import { bindGroup, emptyBuffer, readFloat32, storageBuffer, uniformBuffer } from '../../gpu/buffers';
import type { GpuContext } from '../../gpu/device';

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
  solver: 'omp' | 'fista';
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

const MAX_X = 65535;

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
  const bufDesc = storageBuffer(device, 'phase.desc', desc);
  const bufX = emptyBuffer(device, 'phase.X', xOff * 4);
  const bufY = emptyBuffer(device, 'phase.y', yOff * 4);
  const bufW = emptyBuffer(device, 'phase.wTrue', count * d * 4);
  const bufCoef = emptyBuffer(device, 'phase.coef', count * d * 4);
  const bufScratch = emptyBuffer(
    device,
    o.solver === 'omp' ? 'phase.L' : 'phase.info',
    (o.solver === 'omp' ? lOff : count * 4) * 4,
  );
  const genParams = uniformBuffer(device, 'phase.genParams', [
    { u32: d },
    { u32: count },
    { u32: batch.gaussianValues ? 1 : 0 },
    { f32: batch.sigma },
  ]);
  const solveParams =
    o.solver === 'omp'
      ? uniformBuffer(device, 'phase.ompParams', [{ u32: d }, { u32: count }, { u32: 0 }, { u32: 0 }])
      : uniformBuffer(device, 'phase.fistaParams', [
          { u32: d },
          { u32: count },
          { u32: o.maxIter },
          { u32: o.every ?? 10 },
          { f32: o.tol },
          { f32: o.ratio },
          { f32: 0 },
          { f32: 0 },
        ]);
  const gen = ctx.pipeline('regression-phase-generate', codeGenerate);
  const solve =
    o.solver === 'omp'
      ? ctx.pipeline('regression-phase-omp', codeOmp)
      : ctx.pipeline('regression-phase-fista', codeFista);
  const genGroup = bindGroup(device, gen, 'phase.generate', [bufDesc, bufX, bufY, bufW, genParams]);
  const solveGroup = bindGroup(device, solve, `phase.${o.solver}`, [
    bufDesc,
    bufX,
    bufY,
    bufCoef,
    bufScratch,
    solveParams,
  ]);
  const gx = Math.min(count, MAX_X);
  const gy = Math.ceil(count / MAX_X);
  const enc = device.createCommandEncoder({ label: 'phase.batch' });
  for (const [pipe, group] of [
    [gen, genGroup],
    [solve, solveGroup],
  ] as const) {
    const pass = enc.beginComputePass({ label: pipe.label });
    pass.setPipeline(pipe);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(gx, gy);
    pass.end();
  }
  device.queue.submit([enc.finish()]);
  const coef = await readFloat32(device, bufCoef, count * d);
  const wTrue = await readFloat32(device, bufW, count * d);
  const info = o.solver === 'fista' ? await readFloat32(device, bufScratch, count * 4) : null;
  const out: PhaseBatchResult = { coef, wTrue, info };
  if (keepProblems) {
    out.X = await readFloat32(device, bufX, xOff);
    out.y = await readFloat32(device, bufY, yOff);
    out.xOffsets = xOffsets;
    out.yOffsets = yOffsets;
  }
  for (const b of [bufDesc, bufX, bufY, bufW, bufCoef, bufScratch, genParams, solveParams]) b.destroy();
  return out;
}
