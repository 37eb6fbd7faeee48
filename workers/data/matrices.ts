/** Seeded random matrices: the same (seed, stream) gives the same entries everywhere. */
import { Rng } from '../io/rng';

export function randomMatrix(
  rows: number,
  cols: number,
  seed: number,
  stream: number,
  dist: 'normal' | 'uniform',
): Float32Array {
  const rng = new Rng(seed, stream);
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) out[i] = dist === 'normal' ? rng.normal() : 2 * rng.uniform() - 1;
  return out;
}
