/**
 * The regression references against scikit-learn 1.2's outputs (test/fixtures/regression, copied from the
 * shared golden cases): coefficients within 1e-4 of max|coef|; LARS breakpoints and entry order identical.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toFloat64 } from '../../core/ndarray';
import { diabetesProblem } from '../../data/regression-real';
import { readCsv } from '../../io/csv';
import { readNpy } from '../../io/npy';
import { alphaGrid, alphaMax, enetPath } from './enet-cd';
import { larsLasso } from './lars';
import { centre, maxAbs } from './linalg';
import { omp } from './omp';

const FIX = join(__dirname, '../../../test/fixtures/regression');

function load(caseName: string, name: string) {
  const a = readNpy(readFileSync(join(FIX, caseName, `${name}.npy`)), `${caseName}/${name}.npy`);
  return { data: toFloat64(a), shape: a.shape, raw: a };
}

function loadCase(caseName: string) {
  const X = load(caseName, 'X');
  const y = load(caseName, 'y');
  const meta = JSON.parse(readFileSync(join(FIX, caseName, 'case.json'), 'utf8'));
  return { X: X.data, y: y.data, n: X.shape[0], d: X.shape[1], meta };
}

/** max |got − want| / max |want|, the golden README's criterion. */
function relToMax(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < want.length; i++) m = Math.max(m, Math.abs(got[i] - want[i]));
  return m / Math.max(maxAbs(want), 1e-300);
}

const PATH_CASES = [
  'lasso_path_n200_d50_k8',
  'lasso_path_n60_d120_k5',
  'lasso_path_diabetes',
  'enet_path_n200_d50_k8',
  'enet_path_n60_d120_k5',
];

describe('Lasso / elastic-net paths match scikit-learn', () => {
  for (const name of PATH_CASES) {
    it(name, () => {
      const c = loadCase(name);
      const l1Ratio = c.meta.l1_ratio ?? 1;
      const wantAlphas = load(name, 'alphas').data;
      const wantCoefs = load(name, 'coefs');
      const A = wantAlphas.length;
      // The α grid itself: α_max·logspace, from the definition, not from the file.
      const eps = wantAlphas[A - 1] / wantAlphas[0];
      const grid = alphaGrid(alphaMax(c.X, c.y, c.n, c.d, l1Ratio), A, Math.round(eps * 1e6) / 1e6);
      expect(relToMax(grid, wantAlphas)).toBeLessThan(1e-10);
      const path = enetPath(c.X, c.y, c.n, c.d, { l1Ratio, alphas: grid, tol: 1e-12, maxIter: 100000 });
      // scikit-learn stores coefs as (A, d) in these fixtures.
      expect(wantCoefs.shape).toEqual([A, c.d]);
      expect(relToMax(path.coefs, wantCoefs.data)).toBeLessThan(1e-4);
    });
  }

  it('diabetes with scikit-learn scaling is the golden design, and intercept=1 gives the golden path', () => {
    const c = loadCase('lasso_path_diabetes');
    const csv = readCsv(readFileSync(join(__dirname, '../../../public/datasets/diabetes.csv'), 'utf8'));
    const dia = diabetesProblem(csv);
    expect(relToMax(dia.X, c.X)).toBeLessThan(1e-6);
    // Centring (intercept = 1) turns the raw target into the golden centred one.
    const { Xc, yc } = centre(dia.X, dia.y, dia.n, dia.d);
    expect(relToMax(yc, c.y)).toBeLessThan(1e-9);
    const wantAlphas = load('lasso_path_diabetes', 'alphas').data;
    const path = enetPath(Xc, yc, dia.n, dia.d, { alphas: wantAlphas, tol: 1e-12, maxIter: 100000 });
    expect(relToMax(path.coefs, load('lasso_path_diabetes', 'coefs').data)).toBeLessThan(1e-4);
  });
});

describe('LARS-lasso matches scikit-learn on diabetes', () => {
  it('same breakpoints, same entry order, same coefficients', () => {
    const c = loadCase('lars_lasso_diabetes');
    const r = larsLasso(c.X, c.y, c.n, c.d);
    const wantAlphas = load('lars_lasso_diabetes', 'alphas').data;
    const wantActive = Array.from(load('lars_lasso_diabetes', 'active').data);
    const wantCoefs = load('lars_lasso_diabetes', 'coefs').data;
    expect(r.knots).toBe(wantAlphas.length);
    expect(r.active).toEqual(wantActive);
    expect(relToMax(r.alphas, wantAlphas)).toBeLessThan(1e-8);
    expect(relToMax(r.coefs, wantCoefs)).toBeLessThan(1e-4);
    // The drop-and-re-enter of feature 6 is part of the path.
    expect(r.events).toContain(-7);
  });
});

describe('OMP matches scikit-learn', () => {
  for (const name of ['omp_n200_d50_k8', 'omp_n60_d120_k5']) {
    it(name, () => {
      const c = loadCase(name);
      const want = load(name, 'coef').data;
      const r = omp(c.X, c.y, c.n, c.d, c.meta.k);
      expect(r.order.length).toBe(c.meta.k);
      expect(relToMax(r.coef, want)).toBeLessThan(1e-4);
      const supp = (w: ArrayLike<number>) =>
        Array.from(w, (v, j) => (v !== 0 ? j : -1)).filter((j) => j >= 0);
      expect(supp(r.coef)).toEqual(supp(want));
    });
  }
});
