import { describe, expect, it } from 'vitest';
import { syntheticLayer } from '../../experiments/pruning/data';
import { Rng } from '../../io/rng';
import { symmetricEigen } from '../regression/linalg';
import { cospadiFit } from './cospadi';
import { DSNOT_DEFAULTS, dsnotRefine } from './dsnot';
import { relErr, relErrOutputs } from './metrics';
import { rsparseBudget, rsparseFit, rsparseForward } from './rsparse';
import { magnitudePrune, wandaPrune } from './scores';
import { maskSparsity, nmMask, type Pattern } from './select';
import { SPARSEGPT_DEFAULTS, sparseGptPrune } from './sparsegpt';

const layer = (kind: 'outliers' | 'correlated' | 'relu' | 'gaussian', seed = 3, rows = 24, cols = 70) =>
  syntheticLayer({ kind, rows, cols, tokens: 300, held: 100, seed, outlierChannels: 4, outlierScale: 20 });

describe('N:M masks', () => {
  it.each([
    [2, 4, 70],
    [4, 8, 70],
    [1, 3, 31],
    [3, 5, 17],
  ])('keep exactly %i of every %i (cols %i, last group padded)', (n, m, cols) => {
    const rng = new Rng(1);
    const rows = 9;
    const S = Float64Array.from({ length: rows * cols }, () => rng.normal());
    for (const keep of [
      nmMask(S, rows, cols, n, m),
      magnitudePrune(S, rows, cols, { kind: 'nm', n, m }, 'layer').keep,
      sparseGptPrune(S, layer('gaussian', 2, 4, cols).Xcal, 300, rows, cols, { kind: 'nm', n, m }).keep,
    ]) {
      for (let i = 0; i < rows; i++)
        for (let g = 0; g < cols; g += m) {
          let kept = 0;
          const size = Math.min(m, cols - g);
          for (let j = g; j < g + size; j++) kept += keep[i * cols + j];
          expect(kept).toBe(Math.min(n, size));
        }
    }
  });
  it('magnitude N:M keeps the largest of each group', () => {
    const W = Float64Array.from([0.1, -3, 2, 0.5, 1, 1, -1, 0]);
    expect(Array.from(magnitudePrune(W, 1, 8, { kind: 'nm', n: 2, m: 4 }, 'layer').keep)).toEqual([
      0, 1, 1, 0, 0, 1, 1, 0,
    ]);
  });
});

describe('count-based selection', () => {
  it('prunes exactly ⌊s·n⌋ per group and nothing at s = 0', () => {
    const L = layer('outliers');
    const un = (s: number): Pattern => ({ kind: 'unstructured', sparsity: s });
    expect(maskSparsity(magnitudePrune(L.W, L.rows, L.cols, un(0.37), 'layer').keep)).toBe(
      Math.floor(0.37 * L.rows * L.cols) / (L.rows * L.cols),
    );
    const w = wandaPrune(L.W, L.Xcal, L.tokens, L.rows, L.cols, un(0.37)).keep;
    for (let i = 0; i < L.rows; i++) {
      let pruned = 0;
      for (let j = 0; j < L.cols; j++) pruned += 1 - w[i * L.cols + j];
      expect(pruned).toBe(Math.floor(0.37 * L.cols));
    }
    const sg = sparseGptPrune(L.W, L.Xcal, L.tokens, L.rows, L.cols, un(0));
    expect(Array.from(sg.pruned)).toEqual(Array.from(L.W));
  });
});

describe('Wanda', () => {
  it('equals per-row magnitude pruning when every input column has the same norm', () => {
    const L = layer('gaussian');
    const X = Float64Array.from(L.Xcal);
    for (let j = 0; j < L.cols; j++) {
      let n = 0;
      for (let t = 0; t < L.tokens; t++) n += X[t * L.cols + j] ** 2;
      for (let t = 0; t < L.tokens; t++) X[t * L.cols + j] *= 2.5 / Math.sqrt(n);
    }
    for (const p of [
      { kind: 'unstructured', sparsity: 0.6 },
      { kind: 'nm', n: 2, m: 4 },
    ] as Pattern[]) {
      expect(Array.from(wandaPrune(L.W, X, L.tokens, L.rows, L.cols, p).keep)).toEqual(
        Array.from(magnitudePrune(L.W, L.rows, L.cols, p, 'row').keep),
      );
    }
  });
  it('is invariant to rescaling input channels (W_:,j·c_j, X_:,j/c_j); magnitude is not', () => {
    const L = layer('gaussian', 12);
    const rng = new Rng(4);
    const c = Float64Array.from({ length: L.cols }, () => Math.exp(rng.normal()));
    const W2 = Float64Array.from(L.W, (w, i) => w * c[i % L.cols]);
    const X2 = Float64Array.from(L.Xcal, (x, i) => x / c[i % L.cols]);
    const p: Pattern = { kind: 'unstructured', sparsity: 0.5 };
    expect(Array.from(wandaPrune(W2, X2, L.tokens, L.rows, L.cols, p).keep)).toEqual(
      Array.from(wandaPrune(L.W, L.Xcal, L.tokens, L.rows, L.cols, p).keep),
    );
    expect(Array.from(magnitudePrune(W2, L.rows, L.cols, p, 'row').keep)).not.toEqual(
      Array.from(magnitudePrune(L.W, L.rows, L.cols, p, 'row').keep),
    );
  });
  it('beats magnitude on outlier input channels', () => {
    const L = layer('outliers', 5, 32, 96);
    const p: Pattern = { kind: 'unstructured', sparsity: 0.5 };
    const mag = relErr(
      L.W,
      magnitudePrune(L.W, L.rows, L.cols, p, 'layer').pruned,
      L.Xheld,
      L.held,
      L.rows,
      L.cols,
    );
    const wan = relErr(
      L.W,
      wandaPrune(L.W, L.Xcal, L.tokens, L.rows, L.cols, p).pruned,
      L.Xheld,
      L.held,
      L.rows,
      L.cols,
    );
    expect(wan).toBeLessThan(0.6 * mag);
  });
});

describe('SparseGPT', () => {
  it('has a lower error than Wanda on a seeded correlated X (2:4, 4:8, 50%)', () => {
    const L = layer('correlated', 4, 32, 96);
    for (const p of [
      { kind: 'nm', n: 2, m: 4 },
      { kind: 'nm', n: 4, m: 8 },
      { kind: 'unstructured', sparsity: 0.5 },
    ] as Pattern[]) {
      const wan = relErr(
        L.W,
        wandaPrune(L.W, L.Xcal, L.tokens, L.rows, L.cols, p).pruned,
        L.Xheld,
        L.held,
        L.rows,
        L.cols,
      );
      const sg = relErr(
        L.W,
        sparseGptPrune(L.W, L.Xcal, L.tokens, L.rows, L.cols, p).pruned,
        L.Xheld,
        L.held,
        L.rows,
        L.cols,
      );
      expect(sg).toBeLessThan(0.7 * wan);
    }
  });
  it('with a given mask runs only the update: same mask, lower error than the mask alone', () => {
    const L = layer('correlated', 4, 32, 96);
    const p: Pattern = { kind: 'nm', n: 2, m: 4 };
    const w = wandaPrune(L.W, L.Xcal, L.tokens, L.rows, L.cols, p);
    const sg = sparseGptPrune(L.W, L.Xcal, L.tokens, L.rows, L.cols, p, {
      ...SPARSEGPT_DEFAULTS,
      fixedKeep: w.keep,
    });
    expect(Array.from(sg.keep)).toEqual(Array.from(w.keep));
    for (let i = 0; i < sg.keep.length; i++) if (!sg.keep[i]) expect(sg.pruned[i]).toBe(0);
    const e = (A: Float64Array) => relErr(L.W, A, L.Xheld, L.held, L.rows, L.cols);
    expect(e(sg.pruned)).toBeLessThan(0.9 * e(w.pruned));
  });
  it('pruning a prefix of columns equals the exact least-squares refit (one block)', () => {
    const L = layer('correlated', 6, 5, 12);
    // Force the mask: columns 0..3 pruned in every row, by making them tiny.
    const W = Float64Array.from(L.W);
    for (let i = 0; i < L.rows; i++) for (let j = 0; j < 4; j++) W[i * L.cols + j] *= 1e-9;
    const res = sparseGptPrune(
      W,
      L.Xcal,
      L.tokens,
      L.rows,
      L.cols,
      { kind: 'unstructured', sparsity: 4 / 12 },
      {
        ...SPARSEGPT_DEFAULTS,
        percdamp: 0.01,
      },
    );
    for (let i = 0; i < L.rows; i++) for (let j = 0; j < 4; j++) expect(res.keep[i * L.cols + j]).toBe(0);
    // Exact: Ŵ_K = W_K + W_P H_PK H_KK⁻¹ with damped H = (2/T)XᵀX + λI.
    const n = L.cols;
    const H = new Float64Array(n * n);
    for (let t = 0; t < L.tokens; t++)
      for (let a = 0; a < n; a++)
        for (let b = 0; b < n; b++) H[a * n + b] += (2 / L.tokens) * L.Xcal[t * n + a] * L.Xcal[t * n + b];
    for (let j = 0; j < n; j++) H[j * n + j] += res.lambda;
    const K = [4, 5, 6, 7, 8, 9, 10, 11];
    const HKK = K.flatMap((a) => K.map((b) => H[a * n + b]));
    for (let i = 0; i < L.rows; i++) {
      // rhs_b = Σ_p W_p H_{p b}, b ∈ K; solve HKK z = rhs.
      const rhs = K.map((b) => [0, 1, 2, 3].reduce((s, p) => s + W[i * n + p] * H[p * n + b], 0));
      const z = solve(HKK, rhs);
      K.forEach((b, t) => {
        expect(res.pruned[i * n + b]).toBeCloseTo(W[i * n + b] + z[t], 9);
      });
    }
  });
});

function solve(A: number[], b: number[]): number[] {
  const n = b.length;
  const M = A.slice();
  const x = b.slice();
  for (let c = 0; c < n; c++) {
    for (let r = c + 1; r < n; r++) {
      const f = M[r * n + c] / M[c * n + c];
      for (let k = c; k < n; k++) M[r * n + k] -= f * M[c * n + k];
      x[r] -= f * x[c];
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    for (let k = r + 1; k < n; k++) x[r] -= M[r * n + k] * x[k];
    x[r] /= M[r * n + r];
  }
  return x;
}

describe('DSnoT', () => {
  it('never increases |e_i| and keeps every row and N:M group count', () => {
    const L = layer('relu', 8, 32, 96);
    for (const p of [
      { kind: 'unstructured', sparsity: 0.6 },
      { kind: 'nm', n: 2, m: 4 },
    ] as Pattern[]) {
      const w = wandaPrune(L.W, L.Xcal, L.tokens, L.rows, L.cols, p);
      const d = dsnotRefine(L.W, L.Xcal, L.tokens, L.rows, L.cols, w.keep, w.scores, p);
      expect(d.swaps).toBeGreaterThan(0);
      expect(d.rowsIncreased).toBe(0);
      for (let i = 0; i < L.rows; i++) {
        expect(d.errAfter[i]).toBeLessThanOrEqual(d.errBefore[i]);
        if (p.kind === 'nm') {
          for (let g = 0; g < L.cols; g += p.m) {
            let k = 0;
            for (let j = g; j < g + p.m; j++) k += d.keep[i * L.cols + j];
            expect(k).toBe(p.n);
          }
        } else {
          let a = 0;
          let b = 0;
          for (let j = 0; j < L.cols; j++) {
            a += w.keep[i * L.cols + j];
            b += d.keep[i * L.cols + j];
          }
          expect(b).toBe(a);
        }
      }
      const before = d.errBefore.reduce((s, x) => s + x, 0);
      const after = d.errAfter.reduce((s, x) => s + x, 0);
      expect(after).toBeLessThan(before);
    }
  });
  it('without the sign check some rows overshoot', () => {
    const L = layer('relu', 8, 32, 96);
    const p: Pattern = { kind: 'unstructured', sparsity: 0.6 };
    const w = wandaPrune(L.W, L.Xcal, L.tokens, L.rows, L.cols, p);
    const d = dsnotRefine(L.W, L.Xcal, L.tokens, L.rows, L.cols, w.keep, w.scores, p, {
      ...DSNOT_DEFAULTS,
      signCheck: false,
    });
    expect(d.rowsIncreased).toBeGreaterThan(0);
  });
});

describe('R-Sparse', () => {
  it('full rank reproduces the output exactly; realised density matches the target', () => {
    const L = layer('gaussian', 9, 16, 40);
    const fit = rsparseFit(L.W, L.Xcal, L.tokens, L.rows, L.cols, 0.5, 0.5);
    expect(Math.abs(1 - fit.calibDensity - fit.maskSparsity)).toBeLessThanOrEqual(
      1 / (L.tokens * L.cols) + 1e-12,
    );
    const full = { ...fit, lowRank: Float64Array.from(L.W) };
    const { Y } = rsparseForward(L.W, full, L.Xheld, L.held, L.rows, L.cols);
    expect(relErrOutputs(L.W, Y, L.Xheld, L.held, L.rows, L.cols)).toBeLessThan(1e-12);
    // The budget: kept channels·out + r·(in + out) ≈ (1 − s)·in·out.
    const b = rsparseBudget(L.rows, L.cols, 0.5, 0.5);
    const macs = Math.floor(L.cols * 0.25) * L.rows + b.rank * (L.rows + L.cols);
    expect(macs).toBeLessThanOrEqual(0.5 * L.rows * L.cols);
    expect(macs + L.rows + L.cols).toBeGreaterThan(0.5 * L.rows * L.cols);
  });
});

describe('R-Sparse on a layer with a decaying spectrum', () => {
  it('spending half the budget on the low-rank part beats activation sparsity alone and low rank alone', () => {
    const L = syntheticLayer({
      kind: 'decaying',
      rows: 48,
      cols: 64,
      tokens: 400,
      held: 100,
      seed: 2,
      outlierChannels: 0,
      outlierScale: 1,
    });
    const err = (alpha: number) => {
      const fit = rsparseFit(L.W, L.Xcal, L.tokens, L.rows, L.cols, 0.5, alpha);
      return relErrOutputs(
        L.W,
        rsparseForward(L.W, fit, L.Xheld, L.held, L.rows, L.cols).Y,
        L.Xheld,
        L.held,
        L.rows,
        L.cols,
      );
    };
    const [only, mixed, lowRank] = [err(1), err(0.5), err(0)];
    expect(mixed).toBeLessThan(only);
    expect(mixed).toBeLessThan(lowRank);
  });
});

describe('CoSpaDi', () => {
  it('at s = k is the best rank-k fit in the calibrated norm (Eckart–Young conditions)', () => {
    const L = layer('correlated', 10, 20, 30);
    const k = 6;
    const res = cospadiFit(L.W, L.Xcal, L.tokens, L.rows, L.cols, {
      atoms: k,
      nonzeros: k,
      iterations: 3,
      percdamp: 0,
      seed: 1,
    });
    const { rows, cols, tokens } = L;
    const G = new Float64Array(cols * cols);
    for (let t = 0; t < tokens; t++)
      for (let a = 0; a < cols; a++)
        for (let b = 0; b < cols; b++) G[a * cols + b] += L.Xcal[t * cols + a] * L.Xcal[t * cols + b];
    const R = Float64Array.from(L.W, (w, i) => w - res.approx[i]);
    // (W − Ŵ) G Ŵᵀ = 0 (residual ⟂ the fit's rows in the G-inner product) and (W − Ŵ)ᵀ Ŵ… via RᵀA = 0 in W̃ space.
    const A = res.approx;
    const AG = mul(A, G, rows, cols, cols);
    const RG = mul(R, G, rows, cols, cols);
    let cross = 0;
    let scale = 0;
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < rows; j++) {
        let s1 = 0;
        let s2 = 0;
        for (let p = 0; p < cols; p++) {
          s1 += RG[i * cols + p] * A[j * cols + p];
          s2 += AG[i * cols + p] * A[j * cols + p];
        }
        cross = Math.max(cross, Math.abs(s1));
        scale = Math.max(scale, Math.abs(s2));
      }
    expect(cross / scale).toBeLessThan(1e-8);
    // σ_max(residual) ≤ σ_k(fit), both in the G-norm: eigenvalues of R G Rᵀ and A G Aᵀ.
    const eigR = symmetricEigen(abt(RG, R, rows, cols), rows).values.sort((a, b) => b - a);
    const eigA = symmetricEigen(abt(AG, A, rows, cols), rows).values.sort((a, b) => b - a);
    expect(eigA[k]).toBeLessThan(1e-8 * eigA[0]);
    expect(eigR[0]).toBeLessThanOrEqual(eigA[k - 1] * (1 + 1e-9));
    // And K-SVD leaves the optimum where it is.
    expect(res.history.at(-1)).toBeCloseTo(res.history[0], 10);
  });
  it('K-SVD never increases the fitted error; q < k uses at most q atoms per row', () => {
    const L = layer('correlated', 11, 20, 30);
    const res = cospadiFit(L.W, L.Xcal, L.tokens, L.rows, L.cols, {
      atoms: 12,
      nonzeros: 3,
      iterations: 6,
      percdamp: 0.01,
      seed: 2,
    });
    for (let i = 1; i < res.history.length; i++)
      expect(res.history[i]).toBeLessThanOrEqual(res.history[i - 1] + 1e-12);
    for (let i = 0; i < L.rows; i++) {
      let nz = 0;
      for (let a = 0; a < 12; a++) if (res.codes[i * 12 + a] !== 0) nz++;
      expect(nz).toBeLessThanOrEqual(3);
    }
    expect(res.storedValues).toBe(30 * 12 + 20 * 3);
  });
});

function mul(A: ArrayLike<number>, B: ArrayLike<number>, m: number, k: number, n: number): Float64Array {
  const C = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) C[i * n + j] += A[i * k + p] * B[p * n + j];
  return C;
}
function abt(A: ArrayLike<number>, B: ArrayLike<number>, m: number, k: number): Float64Array {
  const C = new Float64Array(m * m);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < m; j++) for (let p = 0; p < k; p++) C[i * m + j] += A[i * k + p] * B[j * k + p];
  return C;
}
