/**
 * HiP on the GPU: shaders/attention/hip.wgsl searches each query block's key blocks, the CPU turns
 * the selected blocks into (key, tag) lists (sinks, blocks, window), and the gather kernel attends.
 */
import maskCode from '../../../shaders/attention/hip.wgsl?raw';
import { ceilDiv, readUint32 } from '../../gpu/buffers';
import type { GpuContext } from '../../gpu/device';
import { PassList, program } from '../../gpu/pass';
import { type HipOpts, hipNodes } from '../../reference/attention/hip';
import { type QkvBuffers, TILE } from './flash-common';

export const HIP_MAX_NODES = 256;
/** The mask search: one workgroup of 256 threads per (query block, head). */
const HIP_MASK = program('attention-hip-mask', maskCode, { constants: { WG: 256 } });

export type HipMasks = Array<Array<Int32Array | null>>;

/** The search as a re-encodable kernel (for timing) plus the read-back of its selection. */
export function prepareHipMask(
  ctx: GpuContext,
  b: QkvBuffers,
  o: HipOpts,
): PassList & { read(): Promise<HipMasks> } {
  const { heads, n, d } = b.shape;
  const nodes = hipNodes(o);
  if (nodes > HIP_MAX_NODES) throw new Error(`HiP: k/b_k = ${nodes} nodes, at most ${HIP_MAX_NODES}`);
  const nqb = ceilDiv(n, TILE);
  let p2 = 2;
  while (p2 < 2 * nodes) p2 *= 2;
  const dev = ctx.device;
  const list = new PassList(ctx, 'attention-hip-mask');
  const sel = list.empty('sel', heads * nqb * (nodes + 1) * 4);
  const params = list.uniform('params', [
    { u32: n },
    { u32: d },
    { u32: o.causal ? 1 : 0 },
    { u32: o.window },
    { u32: o.sinks },
    { u32: o.k },
    { u32: o.bk },
    { u32: o.bsq },
    { u32: nodes },
    { u32: nqb },
    { u32: p2 },
    { u32: 0 },
  ]);
  list.add(HIP_MASK, [b.q, b.k, sel, params], [nqb, heads]);
  return Object.assign(list, {
    async read(): Promise<HipMasks> {
      const raw = await readUint32(dev, sel, heads * nqb * (nodes + 1));
      return Array.from({ length: heads }, (_, h) =>
        Array.from({ length: nqb }, (_, B) => {
          const at = (h * nqb + B) * (nodes + 1);
          if (raw[at] === 0xffffffff) return null;
          return Int32Array.from(raw.subarray(at + 1, at + 1 + raw[at])).sort();
        }),
      );
    },
  });
}

/** Selected key blocks (relative to the sinks, ascending; null = all kept) per head and 32-query block. */
export async function hipMaskGpu(ctx: GpuContext, b: QkvBuffers, o: HipOpts): Promise<HipMasks> {
  const k = prepareHipMask(ctx, b, o);
  try {
    k.run();
    return await k.read();
  } finally {
    k.destroy();
  }
}
