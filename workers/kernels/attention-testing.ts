/** Test helpers for the attention kernels (Node only): golden fixtures and LSE comparison. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toFloat32, toFloat64 } from '../core/ndarray';
import { readNpy } from '../io/npy';

const ROOT = join(__dirname, '..', '..', 'test', 'fixtures', 'attention');

export interface GoldenCase {
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  out: Float64Array;
  n: number;
  d: number;
  causal: boolean;
  window?: number;
}

export function golden(name: string): GoldenCase {
  const dir = join(ROOT, name);
  const meta = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as {
    n: number;
    d: number;
    causal: boolean;
    window?: number;
  };
  const arr = (f: string) => readNpy(readFileSync(join(dir, `${f}.npy`)), f);
  return {
    q: toFloat32(arr('q')),
    k: toFloat32(arr('k')),
    v: toFloat32(arr('v')),
    out: toFloat64(arr('out')),
    n: meta.n,
    d: meta.d,
    causal: meta.causal,
    window: meta.window,
  };
}

/** Max |a − b| over finite entries; ∞ when one side is −∞ and the other is not. */
export function lseDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) {
    if (a[i] === b[i]) continue;
    if (!Number.isFinite(a[i]) || !Number.isFinite(b[i])) return Number.POSITIVE_INFINITY;
    m = Math.max(m, Math.abs(a[i] - b[i]));
  }
  return m;
}
