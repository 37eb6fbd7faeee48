/** Runner for `#/matmul`: seeded A and B, C = A·B on the chosen backend, parity against the reference. */
import { nd, toFloat32, toFloat64 } from '../../core/ndarray';
import { randomMatrix } from '../../data/matrices';
import { checkFits } from '../../gpu/device';
import { matmulGpu } from '../../kernels/matmul/matmul';
import { matmulRef } from '../../reference/matmul/matmul';
import { matmulSpec } from '../../spec/matmul';
import { defineExperiment, maxRelDiff, type Parity, stage, UserError } from '../types';

/** Up to this many multiply-adds the CPU check runs on every result; above it, on sampled rows. */
const FULL_CHECK_FLOPS = 2e7;

export const matmulExperiment = defineExperiment({
  spec: matmulSpec,
  async run(v, ctx) {
    let { m, n, k } = v;
    const userA = ctx.data.a;
    const userB = ctx.data.b;
    for (const [name, arr] of [
      ['a', userA],
      ['b', userB],
    ] as const) {
      if (arr && arr.shape.length !== 2)
        throw new UserError(`${name}: expected a 2-D matrix, got shape (${arr.shape.join(', ')})`);
    }
    if (userA) [m, k] = userA.shape;
    if (userB) {
      if (userA && userB.shape[0] !== k) {
        throw new UserError(`b has ${userB.shape[0]} rows but a has ${k} columns: A·B needs them equal`);
      }
      [k, n] = userB.shape;
    }
    ctx.progress({ fraction: 0, stage: 'preparing A and B' });
    const a = userA ? toFloat32(userA) : randomMatrix(m, k, v.seed, 0, v.dist);
    const b = userB ? toFloat32(userB) : randomMatrix(k, n, v.seed, 1, v.dist);
    const t0 = performance.now();
    let c: Float32Array;
    if (ctx.gpu) {
      const why = checkFits(ctx.gpu.adapter, 4 * Math.max(m * k, k * n, m * n), 4 * (m * k + k * n + m * n));
      if (why) throw new UserError(`matmul ${m}×${k} · ${k}×${n} ${why}`);
      ctx.progress({ fraction: 0.3, stage: 'multiplying on the GPU' });
      c = await matmulGpu(ctx.gpu, a, b, m, n, k);
    } else {
      ctx.progress({ fraction: 0.3, stage: 'multiplying on the CPU' });
      c = Float32Array.from(matmulRef(a, b, m, n, k));
    }
    const ms = performance.now() - t0;
    ctx.progress({ fraction: 1, stage: 'done' });
    let sumSq = 0;
    for (const x of c) sumSq += x * x;
    return {
      arrays: { a: nd(a, [m, k]), b: nd(b, [k, n]), c: nd(c, [m, n]) },
      metrics: { frobenius: Math.sqrt(sumSq), gflops: (2 * m * n * k) / (ms * 1e6) },
      timings: { multiply: ms },
      stages: [
        ctx.gpu
          ? stage('multiply', 'webgpu', 'tiled matmul (WGSL)')
          : stage('multiply', 'cpu', 'reference loops (float64 accumulation)'),
        stage('metrics', 'cpu', 'Frobenius norm, GFLOP/s'),
      ],
      views: { preview: previewGrid(c, m, n, 48), dims: { m, n, k } },
    };
  },
  async parity(_v, _ctx, out, full) {
    const [m, k] = out.arrays.a.shape;
    const n = out.arrays.b.shape[1];
    const a = toFloat64(out.arrays.a);
    const b = toFloat64(out.arrays.b);
    const c = toFloat64(out.arrays.c);
    if (full || m * n * k <= FULL_CHECK_FLOPS) {
      return summarise(maxRelDiff(c, matmulRef(a, b, m, n, k)), 'all');
    }
    // Sampled rows: each costs n·k multiply-adds.
    const rows = Math.max(1, Math.min(m, Math.floor(FULL_CHECK_FLOPS / (n * k))));
    const step = m / rows;
    const got: number[] = [];
    const want: number[] = [];
    for (let s = 0; s < rows; s++) {
      const i = Math.floor(s * step);
      const ref = matmulRef(a.subarray(i * k, (i + 1) * k), b, 1, n, k);
      for (let j = 0; j < n; j++) {
        got.push(c[i * n + j]);
        want.push(ref[j]);
      }
    }
    return summarise(maxRelDiff(got, want), `${rows} of ${m} rows`);
  },
});

function summarise(d: number, compared: string): Parity {
  return { status: 'checked', maxRelDiff: d, tolerance: 1e-4, ok: d <= 1e-4, compared };
}

/** A small block-averaged preview of C for the heatmap view. */
function previewGrid(
  c: Float32Array,
  m: number,
  n: number,
  size: number,
): { rows: number; cols: number; values: number[] } {
  const rows = Math.min(m, size);
  const cols = Math.min(n, size);
  const values = new Array<number>(rows * cols).fill(0);
  const counts = new Array<number>(rows * cols).fill(0);
  for (let i = 0; i < m; i++) {
    const r = Math.floor((i * rows) / m);
    for (let j = 0; j < n; j++) {
      const q = r * cols + Math.floor((j * cols) / n);
      values[q] += c[i * n + j];
      counts[q]++;
    }
  }
  return { rows, cols, values: values.map((x, i) => x / counts[i]) };
}
