/** Shared helpers of the linear / SLA / log-linear attention tests (test-only; no maths the app uses). */
import { randomMatrix } from '../workers/data/matrices';
import { type GoldenCase, golden } from './golden';

export interface Qkv {
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
}

export function randomQkv(n: number, d: number, seed: number, scale = 1): Qkv {
  const s = (a: Float32Array) => a.map((x) => x * scale);
  return {
    q: s(randomMatrix(n, d, seed, 0, 'normal')),
    k: s(randomMatrix(n, d, seed, 1, 'normal')),
    v: randomMatrix(n, d, seed, 2, 'normal'),
  };
}

/** Dense softmax attention, the textbook O(N²d) definition (float64). */
export function denseSoftmax(
  q: ArrayLike<number>,
  k: ArrayLike<number>,
  v: ArrayLike<number>,
  n: number,
  d: number,
  causal: boolean,
): Float64Array {
  const out = new Float64Array(n * d);
  const tau = 1 / Math.sqrt(d);
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const last = causal ? i : n - 1;
    let mx = Number.NEGATIVE_INFINITY;
    for (let j = 0; j <= last; j++) {
      let t = 0;
      for (let c = 0; c < d; c++) t += q[i * d + c] * k[j * d + c];
      s[j] = tau * t;
      mx = Math.max(mx, s[j]);
    }
    let l = 0;
    for (let j = 0; j <= last; j++) l += s[j] = Math.exp(s[j] - mx);
    for (let j = 0; j <= last; j++) for (let c = 0; c < d; c++) out[i * d + c] += (s[j] / l) * v[j * d + c];
  }
  return out;
}

/** A case of test/fixtures/attention-linear, read by the one golden loader. */
export const loadGolden = (name: string): GoldenCase => golden('attention-linear', name);
