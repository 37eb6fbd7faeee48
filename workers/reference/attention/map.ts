/** Reference of shaders/attention/map.wgsl: R×C cell means of the dense attention matrix P of one head. */
import { attentionRow } from './dense';

export function attentionMapRef(
  q: ArrayLike<number>,
  k: ArrayLike<number>,
  n: number,
  d: number,
  causal: boolean,
  rows: number,
  cols: number,
): Float64Array {
  const m = new Float64Array(rows * cols);
  const p = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    const i0 = Math.floor((r * n) / rows);
    const i1 = Math.floor(((r + 1) * n) / rows);
    for (let i = i0; i < i1; i++) {
      attentionRow(q, k, n, d, causal, i, p);
      for (let c = 0; c < cols; c++) {
        const j0 = Math.floor((c * n) / cols);
        const j1 = Math.floor(((c + 1) * n) / cols);
        for (let j = j0; j < j1; j++) m[r * cols + c] += p[j];
      }
    }
    for (let c = 0; c < cols; c++) {
      const pairs = (i1 - i0) * (Math.floor(((c + 1) * n) / cols) - Math.floor((c * n) / cols));
      m[r * cols + c] /= Math.max(1, pairs);
    }
  }
  return m;
}
