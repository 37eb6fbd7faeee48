/** Matmul work and memory: 2·m·n·k FLOPs (twice on WebGPU, counting the CPU parity check in full), s·(mk + kn + 2mn) bytes (s = 8 CPU, 4 GPU). */
import type { NdArray } from '../../core/ndarray';
import type { Estimate } from '../estimate-types';
import type { Backend } from '../types';

export function estimateMatmul(
  v: Record<string, unknown>,
  backend: Backend,
  data: Record<string, NdArray>,
): Estimate {
  const m = data.a?.shape[0] ?? Number(v.m);
  const k = data.a?.shape[1] ?? Number(v.k);
  const n = data.b?.shape[1] ?? Number(v.n);
  const check = backend === 'webgpu' ? 2 : 1; // the parity check on the CPU, counted in full (an upper bound)
  const s = backend === 'cpu' ? 8 : 4;
  return {
    flops: check * 2 * m * n * k,
    bytes: s * (m * k + k * n + 2 * m * n),
    detail: `a ${m}×${k} by ${k}×${n} product${check > 1 ? ' and its CPU parity check (at most)' : ''}`,
  };
}
