/**
 * The CPU backend against the tools a researcher would compare it with, on the same problem and data
 * (.npy files in a temporary folder): scikit-learn's `lasso_path` against our coordinate descent, and a
 * single-threaded PyTorch TopK SAE step (torch.set_num_threads(1), float32, dense decoder, AuxK, Adam,
 * unit-norm atoms) against our CPU trainer. The Python side is one long-lived process that times each call
 * itself (no interpreter start or import); ours and theirs alternate, medians after warm-up, so the ratio
 * is measured in one run under the same load. Rows say "not run" when no python3 has the packages.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { findPython } from '../test/python';
import { nd } from '../workers/core/ndarray';
import { syntheticProblem } from '../workers/data/regression-synthetic';
import { readNpy, writeNpy } from '../workers/io/npy';
import { Rng } from '../workers/io/rng';
import { alphaGrid, alphaMax, enetPath } from '../workers/reference/regression/enet-cd';
import { defaultConfig, initParams } from '../workers/reference/sae/model';
import { CpuSae } from '../workers/reference/sae/train';
import type { BenchOptions, BenchRow } from './common';

const LASSOS = [
  { n: 500, d: 2000, k: 20, nAlphas: 100, eps: 1e-3, tol: 1e-4, maxIter: 1000 },
  { n: 5000, d: 200, k: 20, nAlphas: 100, eps: 1e-3, tol: 1e-4, maxIter: 1000 },
];
const SAE = { d: 128, m: 2048, k: 16, batch: 256 };

/** A Python process answering "lasso"/"sae" with the milliseconds the call took inside Python. */
class PyPeer {
  private lines: string[] = [];
  private waiting: ((s: string) => void) | null = null;
  private fail: ((e: Error) => void) | null = null;
  private closed: Error | null = null;
  private constructor(private proc: ChildProcessWithoutNullStreams) {
    proc.on('close', (code) => {
      this.closed = new Error(`python peer exited (${code}): ${this.err.slice(-300)}`);
      this.fail?.(this.closed);
    });
    createInterface({ input: proc.stdout }).on('line', (l) => {
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = null;
        w(l);
      } else this.lines.push(l);
    });
  }
  static async start(python: string, dir: string): Promise<PyPeer> {
    const script = join(import.meta.dirname, 'python', 'peers_cpu.py');
    const proc = spawn(python, [script, dir], {
      env: { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
    });
    const peer = new PyPeer(proc);
    proc.stderr.on('data', (b) => {
      peer.err += String(b);
    });
    const first = await peer.next();
    if (!JSON.parse(first).ready) throw new Error(`python peer did not start: ${peer.err.slice(-300)}`);
    return peer;
  }
  err = '';
  private next(): Promise<string> {
    const l = this.lines.shift();
    if (l !== undefined) return Promise.resolve(l);
    if (this.closed) return Promise.reject(this.closed);
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.fail = reject;
    });
  }
  async time(job: 'lasso' | 'sae'): Promise<number> {
    this.proc.stdin.write(`${job}\n`);
    return (JSON.parse(await this.next()) as { ms: number }).ms;
  }
  stop(): void {
    this.proc.stdin.end();
    this.proc.kill();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Ours and the peer alternately: `warmup` pairs discarded, then the medians of `reps` pairs. */
async function alternate(ours: () => void, peer: () => Promise<number>, reps: number, warmup: number) {
  const to: number[] = [];
  const tp: number[] = [];
  for (let r = 0; r < warmup + reps; r++) {
    const t0 = performance.now();
    ours();
    const a = performance.now() - t0;
    const b = await peer();
    if (r >= warmup) {
      to.push(a);
      tp.push(b);
    }
  }
  return { ours: median(to), peer: median(tp), times: { ours: to, peer: tp } };
}

const notRun = (name: string, size: string, what: string): BenchRow => ({
  name,
  size,
  backend: 'cpu',
  medianMs: Number.NaN,
  note: `not run (no python3 with ${what})`,
});

export async function benchPeersCpu({ size }: BenchOptions): Promise<BenchRow[]> {
  const reps = size === 'gpu' ? 9 : 5;
  const rows: BenchRow[] = [];
  const saeLabel = `d=${SAE.d} m=${SAE.m} k=${SAE.k} B=${SAE.batch}`;
  const pyLasso = findPython(['numpy', 'sklearn']);
  const pySae = findPython(['numpy', 'torch']);
  const dir = mkdtempSync(join(tmpdir(), 'sparselab-peers-'));
  try {
    // Lasso paths: d > n (coordinate descent on the residual) and n ≫ d (Gram updates, as scikit-learn's
    // enet_path chooses with precompute='auto' when n > d).
    for (const L of LASSOS) {
      const lassoLabel = `n=${L.n}, d=${L.d}, ${L.nAlphas} α, tol ${L.tol}`;
      if (!pyLasso) {
        rows.push(
          notRun(`Lasso path ÷ scikit-learn${L.n > L.d ? ' (n ≫ d)' : ''}`, lassoLabel, 'scikit-learn'),
        );
        continue;
      }
      const p = syntheticProblem(
        L.n,
        L.d,
        { design: 'gaussian', rho: 0, normalize: false },
        { s: L.k, wStar: 'pm1', amp: 1, support: 'random' },
        0.5,
        1,
      );
      const alphas = alphaGrid(alphaMax(p.X, p.y, L.n, L.d, 1), L.nAlphas, L.eps);
      writeFileSync(join(dir, 'lasso_X.npy'), writeNpy(nd(p.X, [L.n, L.d])));
      writeFileSync(join(dir, 'lasso_y.npy'), writeNpy(nd(p.y, [L.n])));
      writeFileSync(join(dir, 'lasso_alphas.npy'), writeNpy(nd(alphas, [L.nAlphas])));
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ lasso: L }));
      let coefs: Float64Array = new Float64Array(0);
      let sweeps = 0;
      const gram = L.n > L.d;
      const ours = () => {
        const r = enetPath(p.X, p.y, L.n, L.d, {
          alphas,
          tol: L.tol,
          maxIter: L.maxIter,
          precompute: 'auto',
        });
        coefs = r.coefs;
        sweeps = r.iterations.reduce((x, y) => x + y, 0);
      };
      const peer = await PyPeer.start(pyLasso, dir);
      try {
        const r = await alternate(ours, () => peer.time('lasso'), reps, 1);
        const theirs = readNpy(readFileSync(join(dir, 'lasso_coefs.npy'))).data;
        let diff = 0;
        let top = 0;
        for (let q = 0; q < coefs.length; q++) {
          diff = Math.max(diff, Math.abs(coefs[q] - Number(theirs[q])));
          top = Math.max(top, Math.abs(Number(theirs[q])));
        }
        rows.push({
          name: `Lasso path ÷ scikit-learn${gram ? ' (n ≫ d)' : ''}`,
          size: lassoLabel,
          backend: 'cpu',
          medianMs: r.ours,
          peer: 'scikit-learn lasso_path (same α grid)',
          peerMedianMs: r.peer,
          ratio: r.peer / r.ours,
          note: `alternated, ${reps} pairs after 1 warm-up; ${gram ? 'Gram updates in both; ' : ''}${sweeps} sweeps; max |Δcoef| ${(diff / top).toExponential(1)} of max|coef|; goal ratio ≥ 0.67 (within 1.5×)`,
        });
      } finally {
        peer.stop();
      }
    }

    // TopK SAE step.
    if (!pySae) rows.push(notRun('SAE step ÷ PyTorch CPU (1 thread)', saeLabel, 'torch'));
    else {
      const n = 4 * SAE.batch;
      const rng = new Rng(5, 0);
      const data = Float64Array.from({ length: n * SAE.d }, () => Math.fround(rng.normal()));
      const c = defaultConfig({
        model: 'topk',
        d: SAE.d,
        m: SAE.m,
        k: SAE.k,
        auxK: 4 * SAE.k,
        deadSamples: SAE.batch,
        steps: 1000,
      });
      const params = initParams(c, 1);
      params.b_dec.fill(0);
      const cpu = new CpuSae(c, params);
      writeFileSync(join(dir, 'sae_X.npy'), writeNpy(nd(data, [n, SAE.d])));
      writeFileSync(join(dir, 'sae_W_enc.npy'), writeNpy(nd(params.W_enc, [SAE.m, SAE.d])));
      writeFileSync(join(dir, 'sae_W_dec.npy'), writeNpy(nd(params.W_dec, [SAE.m, SAE.d])));
      const saeCfg = {
        ...SAE,
        auxK: c.auxK,
        auxCoeff: c.auxCoeff,
        deadSamples: c.deadSamples,
        variance: c.variance,
        lr: c.lr,
      };
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ sae: saeCfg }));
      const X = new Float64Array(SAE.batch * SAE.d);
      let step = 0;
      const ours = () => {
        const off = ((step++ * SAE.batch) % n) * SAE.d;
        for (let q = 0; q < X.length; q++) X[q] = data[(off + q) % data.length];
        cpu.trainStep(X, SAE.batch);
      };
      const peer = await PyPeer.start(pySae, dir);
      try {
        const r = await alternate(ours, () => peer.time('sae'), size === 'gpu' ? 21 : 11, 3);
        rows.push({
          name: 'SAE step ÷ PyTorch CPU (1 thread)',
          size: saeLabel,
          backend: 'cpu',
          medianMs: r.ours,
          peer: 'PyTorch TopK step, float32, 1 thread',
          peerMedianMs: r.peer,
          ratio: r.peer / r.ours,
          note: 'alternated after 3 warm-up steps; ours float64 with sparse decoder, theirs dense decoder; AuxK, decoder-gradient projection, Adam, unit-norm atoms in both; goal ratio ≥ 0.5 (within 2×)',
        });
      } finally {
        peer.stop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
