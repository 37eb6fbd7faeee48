/** Matmul: our tiled WGSL kernel vs TensorFlow.js's WebGPU matMul on the same adapter, and our CPU backend. */
import { randomMatrix } from '../workers/data/matrices';
import { readFloat32 } from '../workers/gpu/buffers';
import { median, timeGpu } from '../workers/gpu/timer';
import { destroyMatmul, encodeMatmul, prepareMatmul } from '../workers/kernels/matmul/matmul';
import { matmulRef } from '../workers/reference/matmul/matmul';
import { type BenchOptions, type BenchRow, medianMs, pairedMedians, tfjsWebgpu } from './common';

export async function benchMatmul({ gpu, size }: BenchOptions): Promise<BenchRow[]> {
  const sizes = size === 'gpu' ? [1024, 2048, 4096] : [256, 512];
  const rows: BenchRow[] = [];
  const tf = gpu ? await tfjsWebgpu() : null;
  for (const s of sizes) {
    const a = randomMatrix(s, s, 1, 0, 'normal');
    const b = randomMatrix(s, s, 1, 1, 'normal');
    const label = `${s}×${s}×${s}`;
    const gflop = (2 * s ** 3) / 1e9;
    if (gpu) {
      const mb = prepareMatmul(gpu, a, b, s, s, s);
      // End to end as a user sees it: dispatch and read C back (the same work the tfjs timing includes).
      const ours = async () => {
        const enc = gpu.device.createCommandEncoder();
        encodeMatmul(enc, mb);
        gpu.device.queue.submit([enc.finish()]);
        await readFloat32(gpu.device, mb.c, s * s);
      };
      let t = { a: 0, b: Number.NaN };
      if (tf) {
        const ta = tf.tensor2d(a, [s, s]);
        const tb = tf.tensor2d(b, [s, s]);
        t = await pairedMedians(ours, async () => {
          const c = tf.matMul(ta, tb);
          await c.data();
          c.dispose();
        });
        ta.dispose();
        tb.dispose();
      } else t.a = await medianMs(ours);
      const kernel: number[] = [];
      for (let i = 0; i < 5; i++)
        kernel.push((await timeGpu(gpu, (enc, ts) => encodeMatmul(enc, mb, ts))).ms);
      destroyMatmul(mb);
      const peer = tf ? t.b : undefined;
      const oursMs = t.a;
      rows.push({
        name: 'matmul (tiled WGSL) vs tfjs-webgpu matMul',
        size: label,
        backend: 'webgpu',
        medianMs: oursMs,
        peer: tf ? 'tfjs-webgpu matMul' : undefined,
        peerMedianMs: peer,
        ratio: peer !== undefined ? peer / oursMs : undefined,
        note: `kernel alone ${median(kernel).toFixed(2)} ms (${gpu.hasTimestamps ? 'timestamp-query' : 'wall'}), ${(gflop / (median(kernel) / 1e3)).toFixed(2)} GFLOP/s; end-to-end times include read-back`,
      });
    }
    if (s <= 1024) {
      const cpu = await medianMs(() => matmulRef(a, b, s, s, s), 3, 1);
      const gpuRow = rows.find((r) => r.size === label && r.backend === 'webgpu');
      rows.push({
        name: 'matmul: ours on WebGPU vs our CPU backend',
        size: label,
        backend: gpuRow ? 'webgpu' : 'cpu',
        medianMs: gpuRow?.medianMs ?? cpu,
        peer: gpuRow ? 'our CPU backend (TypeScript)' : undefined,
        peerMedianMs: gpuRow ? cpu : undefined,
        ratio: gpuRow ? cpu / gpuRow.medianMs : undefined,
      });
    }
  }
  return rows;
}
