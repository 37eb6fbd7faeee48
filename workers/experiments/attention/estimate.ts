/**
 * Attention work and memory: 4·H·N²·d FLOPs per evaluation (scores and the weighted sum; the dense CPU
 * reference and the method each count once, the error sweep adds 8 evaluations); bytes 8·(4·H·N·d + 2·N²)
 * (Q, K, V and the output in float64, one head's N×N scores and map at a time).
 */
import type { NdArray } from '../../core/ndarray';
import type { Estimate } from '../estimate-types';
import type { Backend } from '../types';

export function estimateAttention(
  v: Record<string, unknown>,
  _backend: Backend,
  data: Record<string, NdArray>,
): Estimate {
  const q = data.q;
  const H = q ? (q.shape.length === 3 ? q.shape[0] : 1) : Number(v.heads);
  const N = q ? q.shape[q.shape.length - 2] : Number(v.n);
  const d = q ? q.shape[q.shape.length - 1] : Number(v.d);
  const evals = 2 + (v.sweep === true ? 8 : 0);
  return {
    flops: evals * 4 * H * N * N * d,
    bytes: 8 * (4 * H * N * d + 2 * N * N),
    detail: `${evals} attention evaluations at N = ${N}, d = ${d}, ${H} head${H > 1 ? 's' : ''}`,
  };
}
