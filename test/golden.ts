/**
 * The one golden-case loader of the tests (Node only). A case is a folder under test/fixtures/<set>/<name>/ holding
 * case.json (sizes and flags) and q.npy, k.npy, v.npy, out.npy (inputs as float32, the expected output as float64).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toFloat32, toFloat64 } from '../workers/core/ndarray';
import { readNpy } from '../workers/io/npy';

export const FIXTURES = join(__dirname, 'fixtures');

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

/** Reads test/fixtures/<set>/<name>; a missing file or array fails with its path. */
export function golden(set: string, name: string): GoldenCase {
  const dir = join(FIXTURES, set, name);
  const meta = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as {
    n: number;
    d: number;
    causal: boolean;
    window?: number;
  };
  const arr = (f: string) => readNpy(readFileSync(join(dir, `${f}.npy`)), join(dir, `${f}.npy`));
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
