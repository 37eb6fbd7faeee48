/**
 * LLSA attention on the GPU: the CPU picks the blocks (hierarchical top-k, attention-llsa reference) and
 * builds each level-1 query block's list of stacked rows (tokens and pooled blocks with their weights);
 * shaders/attention/llsa.wgsl attends over the lists with one online softmax per query.
 */
import llsaCode from '../../../shaders/attention/llsa.wgsl?raw';
import { ceilDiv, readFloat32 } from '../../gpu/buffers';
import type { GpuContext } from '../../gpu/device';
import { PassList, program } from '../../gpu/pass';
import {
  LLSA_B,
  type LlsaLists,
  type LlsaOpts,
  llsaLists,
  llsaSelect,
  llsaStack,
} from '../../reference/attention/llsa';
import { checkHeadDim, ensureFits } from './linear-common';

export interface LlsaPlan {
  plan: PassList;
  out: GPUBuffer;
  lists: LlsaLists;
  /** Level-1 picks per level-1 query block. */
  picks: Int32Array[];
  selectMacs: number;
  /** CPU time of the selection and list building. */
  selectMs: number;
}

export function prepareLlsa(
  ctx: GpuContext,
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  o: LlsaOpts,
): LlsaPlan {
  const { n, d } = o;
  checkHeadDim('LLSA', n, d);
  const t0 = performance.now();
  const sel = llsaSelect(q, k, o);
  const lists = llsaLists(sel, o);
  const selectMs = performance.now() - t0;
  const off = new Uint32Array(lists.rows.length + 1);
  lists.rows.forEach((r, I) => {
    off[I + 1] = off[I] + r.length;
  });
  const rows = new Uint32Array(off[lists.rows.length]);
  lists.rows.forEach((r, I) => {
    rows.set(r, off[I]);
  });
  const R = lists.stackRows;
  ensureFits(ctx, 'LLSA', {
    largest: Math.max(4 * R * d, 4 * rows.length),
    total: 4 * (2 * n * d + 2 * R * d + R + off.length + rows.length),
  });
  const plan = new PassList(ctx, 'llsa');
  try {
    const qb = plan.data('q', q);
    const kb = plan.data('k', Float32Array.from(llsaStack(k, n, d, sel.levels)));
    const vb = plan.data('v', Float32Array.from(llsaStack(v, n, d, sel.levels)));
    const lw = plan.data('logw', Float32Array.from(lists.logw));
    const ob = plan.data('off', off);
    const rb = plan.data('rows', rows.length ? rows : new Uint32Array(1));
    const out = plan.empty('out', 4 * n * d);
    const pp = plan.uniform('params', [{ u32: n }, { u32: d }, { u32: LLSA_B }, { f32: 1 / Math.sqrt(d) }]);
    plan.add(program('attention-llsa', llsaCode), [qb, kb, vb, lw, ob, rb, out, pp], [ceilDiv(n, 64)]);
    return { plan, out, lists, picks: sel.picks[0], selectMacs: sel.selectMacs, selectMs };
  } catch (e) {
    plan.destroy();
    throw e;
  }
}

/** One LLSA head on the GPU (tests): out N×d. */
export async function llsaGpu(
  ctx: GpuContext,
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  o: LlsaOpts,
): Promise<Float32Array> {
  const p = prepareLlsa(ctx, q, k, v, o);
  try {
    const enc = ctx.device.createCommandEncoder({ label: 'LLSA' });
    p.plan.encode(enc);
    ctx.device.queue.submit([enc.finish()]);
    return await readFloat32(ctx.device, p.out, o.n * o.d);
  } finally {
    p.plan.destroy();
  }
}
