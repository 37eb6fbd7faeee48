/**
 * Attention benchmarks (our kernels; the linear family is in bench/attention-linear.ts):
 * - dense flash attention vs TensorFlow.js WebGPU composed attention (matMul → softmax → matMul) on the same
 *   adapter, end to end with read-back of the output on both sides, paired medians; our kernel time alone in the note;
 * - block-sparse attention at ~90% and ~95% block sparsity vs our dense kernel (kernel time, GPU clock when
 *   available), speed-up next to the ideal 1/(1 − sparsity) for the sparsity actually realised.
 * 'small' finishes in about two minutes on SwiftShader; 'gpu' is for a real adapter.
 */
import { attentionInputs } from '../workers/data/attention-inputs';
import type { GpuContext } from '../workers/gpu/device';
import type { PassList } from '../workers/gpu/pass';
import { median, timeGpu } from '../workers/gpu/timer';
import { Rng } from '../workers/io/rng';
import { prepareBlockSparse } from '../workers/kernels/attention/blocksparse';
import { prepareDense } from '../workers/kernels/attention/dense';
import { destroyQkv, readAttn, uploadQkv } from '../workers/kernels/attention/flash-common';
import type { BlockLists } from '../workers/reference/attention/blocksparse';
import { denseAttentionRef } from '../workers/reference/attention/dense';
import { type BenchOptions, type BenchRow, medianMs, pairedMedians, tfjsWebgpu } from './common';

const D = 64;

export async function benchAttention({ gpu, size }: BenchOptions): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  if (!gpu) {
    const n = 256;
    const x = attentionInputs('gaussian', 1, n, D, 1, false);
    const ms = await medianMs(() => denseAttentionRef(x.q, x.k, x.v, { n, d: D, causal: false }), 3, 1);
    rows.push({
      name: 'dense attention, CPU reference',
      size: `N=${n} d=${D}`,
      backend: 'cpu',
      medianMs: ms,
      note: 'no WebGPU adapter: CPU only',
    });
    return rows;
  }
  const small = size === 'small';
  for (const n of small ? [512, 1024] : [1024, 4096]) rows.push(await denseVsTfjs(gpu, n, small));
  for (const n of small ? [1024] : [4096, 16384])
    rows.push(...(await sparseVsDense(gpu, n, small ? 32 : 64, small)));
  return rows;
}

/** Our flash kernel vs tfjs-webgpu softmax(QKᵀ/√d)V, non-causal, one head, end to end with read-back. */
async function denseVsTfjs(gpu: GpuContext, n: number, small: boolean): Promise<BenchRow> {
  const x = attentionInputs('gaussian', 1, n, D, 2, false);
  const shape = { heads: 1, n, d: D, causal: false };
  const b = uploadQkv(gpu, x.q, x.k, x.v, shape);
  const kern = prepareDense(gpu, b);
  const ours = async () => {
    const enc = gpu.device.createCommandEncoder();
    kern.encode(enc);
    gpu.device.queue.submit([enc.finish()]);
    await readAttn(gpu, b);
  };
  const reps = small ? 3 : 7;
  const warm = small ? 1 : 2;
  const tf = await tfjsWebgpu();
  let t = { a: 0, b: Number.NaN };
  let check = '';
  if (tf) {
    const [tq, tk, tv] = [x.q, x.k, x.v].map((a) => tf.tensor2d(a, [n, D]));
    const scale = tf.scalar(1 / Math.sqrt(D));
    const composed = () =>
      tf.tidy(() => tf.matMul(tf.softmax(tf.mul(tf.matMul(tq, tk, false, true), scale)), tv));
    const theirs = async () => {
      const o = composed();
      await o.data();
      o.dispose();
    };
    t = await pairedMedians(ours, theirs, reps, warm);
    // Same answer? (max abs difference of the outputs)
    const o = composed();
    const ref = await o.data();
    o.dispose();
    await ours();
    const mine = (await readAttn(gpu, b)).out;
    let diff = 0;
    for (let i = 0; i < mine.length; i++) diff = Math.max(diff, Math.abs(mine[i] - ref[i]));
    check = `; outputs agree to ${diff.toExponential(1)}`;
    for (const z of [tq, tk, tv, scale]) z.dispose();
  } else t.a = await medianMs(ours, reps, warm);
  const kernel = await kernelMs(gpu, kern, reps);
  kern.destroy();
  destroyQkv(b);
  const gflop = (4 * n * n * D) / 1e9;
  return {
    name: 'dense flash attention vs tfjs-webgpu matMul→softmax→matMul',
    size: `N=${n} d=${D}`,
    backend: 'webgpu',
    medianMs: t.a,
    peer: tf ? 'tfjs-webgpu composed attention' : undefined,
    peerMedianMs: tf ? t.b : undefined,
    ratio: tf ? t.b / t.a : undefined,
    note: `end to end incl. read-back; our kernel alone ${kernel.toFixed(2)} ms (${gpu.hasTimestamps ? 'timestamp-query' : 'wall'}), ${(gflop / (kernel / 1e3)).toFixed(2)} GFLOP/s${check}${tf ? '' : '; tfjs-webgpu unavailable'}`,
  };
}

async function kernelMs(gpu: GpuContext, k: PassList, reps: number): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) ms.push((await timeGpu(gpu, (enc, ts) => k.encode(enc, ts))).ms);
  return median(ms);
}

/** Each query block keeps its diagonal block plus random others: `keep` blocks per row in all. */
function randomLists(nb: number, keep: number, seed: number): BlockLists {
  const rng = new Rng(seed, 7);
  return Array.from({ length: nb }, (_, I) => {
    const others = rng.sample(nb - 1, keep - 1).map((J) => (J >= I ? J + 1 : J));
    return Int32Array.from([I, ...others].sort((a, b) => a - b));
  });
}

async function sparseVsDense(gpu: GpuContext, n: number, block: number, small: boolean): Promise<BenchRow[]> {
  const x = attentionInputs('gaussian', 1, n, D, 3, false);
  const b = uploadQkv(gpu, x.q, x.k, x.v, { heads: 1, n, d: D, causal: false });
  const dense = prepareDense(gpu, b);
  const nb = Math.ceil(n / block);
  const reps = small ? 3 : 7;
  const rows: BenchRow[] = [];
  for (const target of [0.9, 0.95]) {
    const keep = Math.max(1, Math.round((1 - target) * nb));
    const sparsity = 1 - keep / nb;
    const sparse = prepareBlockSparse(gpu, b, block, [randomLists(nb, keep, 1)]);
    // Alternate dense and sparse so load from other processes falls on both alike.
    await kernelMs(gpu, dense, 1);
    await kernelMs(gpu, sparse, 1);
    const dm: number[] = [];
    const sm: number[] = [];
    for (let r = 0; r < reps; r++) {
      dm.push(await kernelMs(gpu, dense, 1));
      sm.push(await kernelMs(gpu, sparse, 1));
    }
    const d = median(dm);
    const s = median(sm);
    sparse.destroy();
    rows.push({
      name: `block-sparse (${(sparsity * 100).toFixed(1)}% of blocks skipped) vs our dense`,
      size: `N=${n} d=${D} b=${block}`,
      backend: 'webgpu',
      medianMs: s,
      peer: 'our dense flash kernel',
      peerMedianMs: d,
      ratio: d / s,
      efficiency: (d / s) * (1 - sparsity),
      note: `efficiency (t_dense/t_sparse)(1−s) = ${((d / s) * (1 - sparsity)).toFixed(2)} (goal ≥ 0.8); speed-up ${(d / s).toFixed(2)}× vs ideal 1/(1−s) = ${(1 / (1 - sparsity)).toFixed(2)}× (asked ${target * 100}%: ${keep} of ${nb} key blocks per query block); ${gpu.hasTimestamps ? 'GPU timestamp-query' : 'wall'} kernel time`,
    });
  }
  dense.destroy();
  destroyQkv(b);
  return rows;
}
