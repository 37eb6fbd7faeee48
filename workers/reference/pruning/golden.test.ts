/**
 * Magnitude, Wanda and SparseGPT against an independent NumPy computation (test/fixtures/pruning,
 * written by make_golden.py there): masks identical, SparseGPT's updated weights within 1e-9 of max|W|.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toFloat64 } from '../../core/ndarray';
import { readNpy } from '../../io/npy';
import { relErr } from './metrics';
import { magnitudePrune, wandaPrune } from './scores';
import type { Pattern } from './select';
import { sparseGptPrune } from './sparsegpt';

const FIX = join(__dirname, '../../../test/fixtures/pruning');
const load = (name: string) => readNpy(readFileSync(join(FIX, `${name}.npy`)), `${name}.npy`);
const meta = JSON.parse(readFileSync(join(FIX, 'case.json'), 'utf8')) as {
  shape: [number, number];
  tokens: number;
  cases: Record<string, { sparsity?: number; nm?: [number, number]; relErr: Record<string, number> }>;
};

describe('golden: magnitude, Wanda, SparseGPT vs NumPy', () => {
  const W = toFloat64(load('W'));
  const X = toFloat64(load('X'));
  const [rows, cols] = meta.shape;
  const T = meta.tokens;
  for (const [name, c] of Object.entries(meta.cases)) {
    const p: Pattern = c.nm
      ? { kind: 'nm', n: c.nm[0], m: c.nm[1] }
      : { kind: 'unstructured', sparsity: c.sparsity ?? 0 };
    it(`${name}: masks and SparseGPT weights match`, () => {
      const mag = magnitudePrune(W, rows, cols, p, 'layer');
      const wan = wandaPrune(W, X, T, rows, cols, p);
      const sg = sparseGptPrune(W, X, T, rows, cols, p);
      expect(Array.from(mag.keep)).toEqual(Array.from(load(`magnitude_${name}_mask`).data as Uint8Array));
      expect(Array.from(wan.keep)).toEqual(Array.from(load(`wanda_${name}_mask`).data as Uint8Array));
      expect(Array.from(sg.keep)).toEqual(Array.from(load(`sparsegpt_${name}_mask`).data as Uint8Array));
      const want = toFloat64(load(`sparsegpt_${name}_pruned`));
      let diff = 0;
      let scale = 0;
      for (let i = 0; i < want.length; i++) {
        diff = Math.max(diff, Math.abs(want[i] - sg.pruned[i]));
        scale = Math.max(scale, Math.abs(want[i]));
      }
      expect(diff / scale).toBeLessThan(1e-9);
      expect(relErr(W, mag.pruned, X, T, rows, cols)).toBeCloseTo(c.relErr.magnitude, 10);
      expect(relErr(W, wan.pruned, X, T, rows, cols)).toBeCloseTo(c.relErr.wanda, 10);
      expect(relErr(W, sg.pruned, X, T, rows, cols)).toBeCloseTo(c.relErr.sparsegpt, 9);
    });
  }
});
