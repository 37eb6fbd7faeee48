/**
 * GPU stages shared by linear, SLA and log-linear attention: feature maps, chunk/block KV states, the
 * output pass; each method records them on a all dispatches of one method (re-encodable for timing).
 */
import chunkStateCode from '../../../shaders/attention/linear-chunk-state.wgsl?raw';
import favorExpCode from '../../../shaders/attention/linear-favor-exp.wgsl?raw';
import favorMaxCode from '../../../shaders/attention/linear-favor-max.wgsl?raw';
import featuresCode from '../../../shaders/attention/linear-features.wgsl?raw';
import outputCode from '../../../shaders/attention/linear-output.wgsl?raw';
import { UserError } from '../../experiments/types';
import { ceilDiv, readFloat32 } from '../../gpu/buffers';
import { checkFits, type GpuContext } from '../../gpu/device';
import { type PassList, program } from '../../gpu/pass';
import {
  cosformerTrig,
  type FeatureOpts,
  favorProjection,
  featureDim,
  featureMapId,
} from '../../reference/attention/feature-maps';

export const MAX_HEAD_DIM = 256;
const MAX_WG = 65535;

/** Runs a prepared plan once, reads `count` floats of `out` back and frees the plan's buffers. */
export async function runPlanOnce(plan: PassList, out: GPUBuffer, count: number): Promise<Float32Array> {
  try {
    const enc = plan.ctx.device.createCommandEncoder({ label: plan.label });
    plan.encode(enc);
    plan.ctx.device.queue.submit([enc.finish()]);
    return await readFloat32(plan.ctx.device, out, count);
  } finally {
    plan.destroy();
  }
}

export function grid2d(workgroups: number): [number, number] {
  const x = Math.min(workgroups, MAX_WG);
  return [x, Math.ceil(workgroups / x)];
}

export function checkHeadDim(what: string, n: number, d: number): void {
  if (!Number.isInteger(n) || n < 1) throw new UserError(`${what}: N must be a positive integer (got ${n})`);
  if (!Number.isInteger(d) || d < 1 || d > MAX_HEAD_DIM) {
    throw new UserError(`${what}: head dimension d must be in 1…${MAX_HEAD_DIM} on the GPU (got ${d})`);
  }
}

/** Throws a UserError naming the method when the buffers would not fit this adapter. */
export function ensureFits(ctx: GpuContext, what: string, bytes: { largest: number; total: number }): void {
  const why = checkFits(ctx.adapter, bytes.largest, bytes.total);
  if (why) throw new UserError(`${what}: ${why}; reduce N, d or the FAVOR+ feature count`);
}

/** Bytes the feature maps of Q and K need on the GPU (φQ, φK, FAVOR+ ω and row maxima). */
export function featureBytes(
  n: number,
  o: Pick<FeatureOpts, 'd' | 'featureMap' | 'favorFeatures'>,
): number[] {
  const f = featureDim(o);
  const favor = o.featureMap === 'favor';
  return [4 * n * f, 4 * n * f, favor ? 4 * f * o.d : 0, favor ? 8 * n : 0];
}

/** φ(x) for all rows into a new N×F buffer (several dispatches for FAVOR+). */
export function addFeatures(
  plan: PassList,
  x: GPUBuffer,
  o: FeatureOpts,
  role: 'query' | 'key',
  proj: GPUBuffer | null,
): GPUBuffer {
  const { n, d } = o;
  const f = featureDim(o);
  const map = featureMapId(o.featureMap);
  const phi = plan.empty(`phi${role === 'query' ? 'Q' : 'K'}`, 4 * n * f);
  const favor = o.featureMap === 'favor';
  const rowmax = plan.empty(`rowmax.${role}`, favor ? 4 * n : 16);
  const [wx, wy] = grid2d(ceilDiv(n, 8));
  const params = plan.uniform(`features.${role}`, [
    { u32: n },
    { u32: d },
    { u32: f },
    { u32: map },
    { u32: wx },
    { f32: d ** -0.25 },
    { u32: 0 },
    { u32: 0 },
  ]);
  const aux =
    proj ??
    (o.featureMap === 'cosformer' ? plan.data(`trig.${role}`, cosformerTrig(n)) : plan.empty('aux', 16));
  plan.add(program('attention-linear-features', featuresCode), [x, aux, phi, rowmax, params], [wx, wy]);
  if (favor) {
    const gmax = plan.empty(`gmax.${role}`, 16);
    if (role === 'key') {
      const p = plan.uniform('favor-max', [{ u32: n }, { u32: 0 }, { u32: 0 }, { u32: 0 }]);
      plan.add(program('attention-linear-favor-max', favorMaxCode), [rowmax, gmax, p], [1]);
    }
    const [ex, ey] = grid2d(ceilDiv(n * f, 256));
    const p = plan.uniform(`favor-exp.${role}`, [
      { u32: n },
      { u32: f },
      { u32: role === 'query' ? 1 : 0 },
      { u32: ex },
      { f32: 1 / Math.sqrt(f) },
      { u32: 0 },
      { u32: 0 },
      { u32: 0 },
    ]);
    plan.add(program('attention-linear-favor-exp', favorExpCode), [phi, rowmax, gmax, p], [ex, ey]);
  }
  return phi;
}

/** φ(Q) and φ(K) (uploading the FAVOR+ projection when needed). */
export function addFeaturePair(
  plan: PassList,
  q: GPUBuffer,
  k: GPUBuffer,
  o: FeatureOpts,
): { phiQ: GPUBuffer; phiK: GPUBuffer; f: number } {
  const f = featureDim(o);
  const proj = o.featureMap === 'favor' ? plan.data('proj', favorProjection(o.d, f, o.seed)) : null;
  return { phiQ: addFeatures(plan, q, o, 'query', proj), phiK: addFeatures(plan, k, o, 'key', proj), f };
}

/** Per-chunk states H_c = Φ_K,cᵀ[V_c | 1] for chunks of `rows` rows: nChunks×F×(d+1). */
export function addChunkStates(
  plan: PassList,
  phiK: GPUBuffer,
  v: GPUBuffer,
  n: number,
  d: number,
  f: number,
  rows: number,
): GPUBuffer {
  const nChunks = ceilDiv(n, rows);
  const state = plan.empty('state', 4 * nChunks * f * (d + 1));
  const p = plan.uniform('chunk-state', [{ u32: n }, { u32: d }, { u32: f }, { u32: rows }]);
  plan.add(
    program('attention-linear-chunk-state', chunkStateCode),
    [phiK, v, state, p],
    [ceilDiv(d, 64), ceilDiv(f, 64), nChunks],
  );
  return state;
}

export interface OutputPass {
  n: number;
  d: number;
  f: number;
  chunk: number;
  intra: boolean;
  stateByChunk: boolean;
  eps: number;
  /** Log-linear intra-chunk weights w[ℓ] = β^ℓ (ℓ ≤ 35); absent for plain linear attention. */
  levelWeights?: number[];
}

export function addOutput(
  plan: PassList,
  phiQ: GPUBuffer,
  phiK: GPUBuffer,
  v: GPUBuffer,
  state: GPUBuffer,
  out: GPUBuffer,
  o: OutputPass,
): void {
  const tiles = ceilDiv(o.chunk, 16);
  const words: Array<{ u32: number } | { f32: number }> = [
    { u32: o.n },
    { u32: o.d },
    { u32: o.f },
    { u32: o.chunk },
    { u32: tiles },
    { u32: o.intra ? 1 : 0 },
    { u32: o.stateByChunk ? 1 : 0 },
    { u32: o.levelWeights ? 1 : 0 },
    { f32: o.eps },
    { u32: 0 },
    { u32: 0 },
    { u32: 0 },
  ];
  for (let l = 0; l < 36; l++) words.push({ f32: o.levelWeights?.[l] ?? 1 });
  const p = plan.uniform('output', words);
  plan.add(
    program('attention-linear-output', outputCode),
    [phiQ, phiK, v, state, out, p],
    [ceilDiv(o.n, o.chunk) * tiles, ceilDiv(o.d, 64)],
  );
}
