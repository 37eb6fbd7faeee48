/**
 * Times GPU work: with `timestamp-query` when the device has it (the GPU's own clock, between the
 * first pass's start and the last pass's end), otherwise wall time around submit + onSubmittedWorkDone.
 */
import type { GpuContext } from './device';

export interface Timing {
  ms: number;
  source: 'timestamp-query' | 'wall';
}

/**
 * `record` gets the encoder and, when timestamps are available, the writes to attach to its first and
 * last passes (`begin` and `end`); it returns nothing and must encode all of its work.
 */
export async function timeGpu(
  ctx: GpuContext,
  record: (
    enc: GPUCommandEncoder,
    ts?: {
      begin: GPUComputePassTimestampWrites;
      end: GPUComputePassTimestampWrites;
      single: GPUComputePassTimestampWrites;
    },
  ) => void,
): Promise<Timing> {
  const { device } = ctx;
  if (!ctx.hasTimestamps) {
    const t0 = performance.now();
    const enc = device.createCommandEncoder();
    record(enc);
    device.queue.submit([enc.finish()]);
    await device.queue.onSubmittedWorkDone();
    return { ms: performance.now() - t0, source: 'wall' };
  }
  const qs = device.createQuerySet({ type: 'timestamp', count: 2 });
  const resolve = device.createBuffer({
    size: 16,
    usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
  });
  const read = device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const enc = device.createCommandEncoder();
  record(enc, {
    begin: { querySet: qs, beginningOfPassWriteIndex: 0 },
    end: { querySet: qs, endOfPassWriteIndex: 1 },
    single: { querySet: qs, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 },
  });
  enc.resolveQuerySet(qs, 0, 2, resolve, 0);
  enc.copyBufferToBuffer(resolve, 0, read, 0, 16);
  device.queue.submit([enc.finish()]);
  await read.mapAsync(GPUMapMode.READ);
  const [t0, t1] = new BigUint64Array(read.getMappedRange());
  read.unmap();
  read.destroy();
  resolve.destroy();
  qs.destroy();
  return { ms: Number(t1 - t0) / 1e6, source: 'timestamp-query' };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
