/**
 * Sparse regression: (1) a Lasso path, CPU coordinate descent (what scikit-learn runs) against GPU FISTA with
 * batched mat-vecs, same objective, α grid and gap tolerance; (2) a phase diagram, the batched GPU solver
 * (one workgroup per problem, problems generated on the GPU) against the CPU loop over the same problems,
 * with OMP and with the Lasso; (3) scikit-learn's lasso_path and orthogonal_mp on the same data when
 * `python3 -c 'import sklearn'` works (skipped with a message otherwise).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nd } from '../workers/core/ndarray';
import { syntheticProblem } from '../workers/data/regression-synthetic';
import { phaseSetup, problemList, solvePhaseProblemCpu } from '../workers/experiments/regression/phase';
import { writeNpy } from '../workers/io/npy';
import { FistaGpu } from '../workers/kernels/regression/fista';
import { phaseBatchGpu } from '../workers/kernels/regression/phase';
import { alphaGrid, alphaMax, enetCd, prepareCd } from '../workers/reference/regression/enet-cd';
import { maxAbs } from '../workers/reference/regression/linalg';
import { omp } from '../workers/reference/regression/omp';
import { regressionSpec } from '../workers/spec/regression';
import type { BenchOptions, BenchRow } from './common';

interface PathSize {
  n: number;
  d: number;
  k: number;
  nAlphas: number;
  eps: number;
}

const TOL = 1e-4;
const MAX_ITER = 1000;

export async function benchRegression({ gpu, size }: BenchOptions): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const ps: PathSize =
    size === 'gpu'
      ? { n: 1000, d: 5000, k: 20, nAlphas: 100, eps: 1e-3 }
      : { n: 150, d: 400, k: 10, nAlphas: 15, eps: 1e-2 };
  const label = `n=${ps.n}, d=${ps.d}, k=${ps.k}, ${ps.nAlphas} α`;
  const p = syntheticProblem(
    ps.n,
    ps.d,
    { design: 'gaussian', rho: 0, normalize: false },
    { s: ps.k, wStar: 'pm1', amp: 1, support: 'random' },
    0.5,
    1,
  );
  const alphas = alphaGrid(alphaMax(p.X, p.y, ps.n, ps.d, 1), ps.nAlphas, ps.eps);

  // CPU: coordinate descent along the warm-started path (one run at the GPU size: it takes a while).
  const cdPath = () => {
    const prob = prepareCd(p.X, p.y, ps.n, ps.d);
    const w = new Float64Array(ps.d);
    const R = Float64Array.from(p.y);
    const coefs = new Float64Array(alphas.length * ps.d);
    let iters = 0;
    for (let a = 0; a < alphas.length; a++) {
      iters += enetCd(prob, alphas[a], 1, w, { tol: TOL, maxIter: MAX_ITER, R }).iterations;
      coefs.set(w, a * ps.d);
    }
    return { coefs, iters };
  };
  const cdTimes: number[] = [];
  let cd = cdPath();
  for (let r = 0; r < (size === 'gpu' ? 1 : 3); r++) {
    const t0 = performance.now();
    cd = cdPath();
    cdTimes.push(performance.now() - t0);
  }
  const cdMs = median(cdTimes);
  rows.push({
    name: 'Lasso path: CPU coordinate descent (TypeScript)',
    size: label,
    backend: 'cpu',
    medianMs: cdMs,
    note: `${cd.iters} sweeps in all, tol ${TOL}`,
  });

  if (gpu) {
    const runGpu = async () => {
      const g = FistaGpu.create(gpu, Float32Array.from(p.X), Float32Array.from(p.y), ps.n, ps.d);
      try {
        await g.lipschitz();
        const coefs = new Float32Array(alphas.length * ps.d);
        let iters = 0;
        for (let a = 0; a < alphas.length; a++) {
          const r = await g.solve(alphas[a], { l1Ratio: 1, tol: TOL, maxIter: MAX_ITER });
          iters += r.iterations;
          coefs.set(r.w, a * ps.d);
        }
        return { coefs, iters };
      } finally {
        g.destroy();
      }
    };
    await runGpu(); // warm-up: pipelines compiled
    const gTimes: number[] = [];
    let gr = await runGpu();
    for (let r = 0; r < (size === 'gpu' ? 2 : 1); r++) {
      const t0 = performance.now();
      gr = await runGpu();
      gTimes.push(performance.now() - t0);
    }
    const gMs = median(gTimes);
    const diff = maxAbs(Array.from(gr.coefs, (v, i) => v - cd.coefs[i])) / Math.max(maxAbs(cd.coefs), 1e-12);
    rows.push({
      name: 'Lasso path: GPU FISTA (batched mat-vecs) vs CPU coordinate descent',
      size: label,
      backend: 'webgpu',
      medianMs: gMs,
      peer: 'CPU coordinate descent (TypeScript)',
      peerMedianMs: cdMs,
      ratio: cdMs / gMs,
      note: `${gr.iters} FISTA iterations in all (gap checked every 10, read back); max |Δcoef| vs CD ${diff.toExponential(1)} of max|coef|; includes upload and power iteration`,
    });
  }

  // Phase diagrams.
  const phaseCells = size === 'gpu' ? { cells: 24, trials: 16, d: 200 } : { cells: 6, trials: 3, d: 40 };
  // The two phase-diagram solvers; the Lasso's CPU loop is sampled at the GPU size (too slow in full).
  const phaseSolvers = [
    { solver: 'omp', name: 'OMP', sampleCpu: false },
    { solver: 'lasso', name: 'Lasso, FISTA', sampleCpu: true },
  ] as const;
  for (const { solver, name: phaseName, sampleCpu } of phaseSolvers) {
    const values = {
      ...regressionSpec.defaults,
      study: 'phase' as const,
      solver,
      ...phaseCells,
      maxIter: size === 'gpu' ? 1000 : 300,
    };
    const s = phaseSetup(values);
    const list = problemList(s);
    const plabel = `${s.cells}×${s.cells} cells × ${s.trials} trials = ${list.count} problems, d=${s.d}`;
    // CPU loop: every problem at the small size; a stratified sample (one trial per cell) for the Lasso at GPU size.
    const stride = size === 'gpu' && sampleCpu ? s.trials : 1;
    const t0 = performance.now();
    let solved = 0;
    for (let q = 0; q < list.count; q += stride) {
      solvePhaseProblemCpu(s, list.keys[q], list.ns[q], list.ks[q]);
      solved++;
    }
    const cpuMs = ((performance.now() - t0) * list.count) / solved;
    const cpuNote =
      stride > 1
        ? `CPU time extrapolated from ${solved} of ${list.count} problems (one trial per cell)`
        : 'CPU loop over every problem';
    rows.push({
      name: `Phase diagram (${phaseName}): CPU loop`,
      size: plabel,
      backend: 'cpu',
      medianMs: cpuMs,
      note: cpuNote,
    });
    if (gpu) {
      const maxProblems = 4096;
      const runAll = async () => {
        for (let a = 0; a < list.count; a += maxProblems) {
          const b = Math.min(list.count, a + maxProblems);
          await phaseBatchGpu(
            gpu,
            {
              keys: list.keys.subarray(a, b),
              ns: list.ns.subarray(a, b),
              ks: list.ks.subarray(a, b),
              d: s.d,
              gaussianValues: false,
              sigma: 0,
            },
            { kernel: s.kernel, tol: s.tol, maxIter: s.maxIter, ratio: s.ratio, every: 10 },
          );
        }
      };
      await runAll();
      const times: number[] = [];
      for (let r = 0; r < (size === 'gpu' ? 3 : 1); r++) {
        const t1 = performance.now();
        await runAll();
        times.push(performance.now() - t1);
      }
      const gMs = median(times);
      rows.push({
        name: `Phase diagram (${phaseName}): GPU batched vs CPU loop`,
        size: plabel,
        backend: 'webgpu',
        medianMs: gMs,
        peer: 'CPU loop (TypeScript references)',
        peerMedianMs: cpuMs,
        ratio: cpuMs / gMs,
        note: `one workgroup per problem, problems generated on the GPU; batches of ≤ ${maxProblems}; ${cpuNote}`,
      });
    }
  }

  rows.push(...sklearnRows(p, ps, label, cdMs));
  return rows;
}

/** scikit-learn's lasso_path and orthogonal_mp on the same data, timed in its own process. */
function sklearnRows(
  p: ReturnType<typeof syntheticProblem>,
  ps: PathSize,
  label: string,
  cdMs: number,
): BenchRow[] {
  try {
    execFileSync('python3', ['-c', 'import sklearn'], { stdio: 'ignore' });
  } catch {
    return [
      {
        name: 'scikit-learn comparison',
        size: label,
        backend: 'cpu',
        medianMs: Number.NaN,
        note: 'skipped: python3 with scikit-learn is not installed here (Debian: apt-get install python3-sklearn)',
      },
    ];
  }
  const dir = mkdtempSync(join(tmpdir(), 'sparselab-sk-'));
  try {
    writeFileSync(join(dir, 'X.npy'), writeNpy(nd(p.X, [ps.n, ps.d])));
    writeFileSync(join(dir, 'y.npy'), writeNpy(nd(p.y, [ps.n])));
    const script = `
import json, time, numpy as np
from sklearn.linear_model import lasso_path, orthogonal_mp
X = np.load('${dir}/X.npy'); y = np.load('${dir}/y.npy')
def med(f, r=3):
    f(); ts = []
    for _ in range(r):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return 1000 * sorted(ts)[len(ts) // 2]
lp = med(lambda: lasso_path(X, y, n_alphas=${ps.nAlphas}, eps=${ps.eps}, tol=${TOL}, max_iter=${MAX_ITER}), 1 if X.size > 1e6 else 3)
Xn = X / np.linalg.norm(X, axis=0)
om = med(lambda: orthogonal_mp(Xn, y, n_nonzero_coefs=${ps.k}))
print(json.dumps({"lasso_path": lp, "omp": om}))
`;
    const out = JSON.parse(execFileSync('python3', ['-c', script], { encoding: 'utf8' })) as {
      lasso_path: number;
      omp: number;
    };
    const Xn = Float64Array.from(p.X);
    const norms = new Float64Array(ps.d);
    for (let i = 0; i < ps.n; i++) for (let j = 0; j < ps.d; j++) norms[j] += Xn[i * ps.d + j] ** 2;
    for (let i = 0; i < ps.n; i++) for (let j = 0; j < ps.d; j++) Xn[i * ps.d + j] /= Math.sqrt(norms[j]);
    omp(Xn, p.y, ps.n, ps.d, ps.k);
    const ts: number[] = [];
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now();
      omp(Xn, p.y, ps.n, ps.d, ps.k);
      ts.push(performance.now() - t0);
    }
    const ompMs = median(ts);
    return [
      {
        name: 'Lasso path: our CPU coordinate descent vs scikit-learn lasso_path',
        size: label,
        backend: 'cpu',
        medianMs: cdMs,
        peer: 'scikit-learn lasso_path',
        peerMedianMs: out.lasso_path,
        ratio: out.lasso_path / cdMs,
      },
      {
        name: 'OMP: our CPU reference vs scikit-learn orthogonal_mp',
        size: `n=${ps.n}, d=${ps.d}, k=${ps.k}`,
        backend: 'cpu',
        medianMs: ompMs,
        peer: 'scikit-learn orthogonal_mp',
        peerMedianMs: out.omp,
        ratio: out.omp / ompMs,
      },
    ];
  } catch (e) {
    return [
      {
        name: 'scikit-learn comparison',
        size: label,
        backend: 'cpu',
        medianMs: Number.NaN,
        note: `failed: ${String(e).slice(0, 200)}`,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
