/**
 * Linear attention and log-linear attention on the runner's backend (one scan, `log` picks the Fenwick levels),
 * with FLOP counts, fitted level weights and their held-out error.
 */
import { nd } from '../../../core/ndarray';
import { featureDim } from '../../../reference/attention/feature-maps';
import { fitLevelWeights } from '../../../reference/attention/loglinear-fit';
import { calibrationRows, relL2Rows } from '../../../reference/attention/sla-projection';
import type { AttnBackend, AttnProblem, AttnRun } from '../backend';
import type { AttnValues, MethodResult } from '../method-types';

/** What the linear family's runs share: φ's options and width, the output buffer and the timing note. */
export function linearSetup(v: AttnValues, p: AttnProblem, be: AttnBackend) {
  const { heads: H, n, d, causal } = p;
  const fo = { n, d, causal, featureMap: v.featureMap, favorFeatures: v.favorFeatures, seed: v.seed };
  const notes: string[] = [];
  if (be.kind === 'webgpu') notes.push('Linear-family times are wall clock including upload and read-back.');
  return { fo, f: featureDim(fo), out: new Float32Array(H * n * d), notes };
}

/** Linear attention (log = false) or log-linear attention with Fenwick levels (log = true). */
export async function runLinearScan(
  v: AttnValues,
  p: AttnProblem,
  be: AttnBackend,
  dense: AttnRun,
  log: boolean,
): Promise<MethodResult> {
  const { heads: H, n, d, causal } = p;
  const { fo, f, out, notes } = linearSetup(v, p, be);
  let ms = 0;
  const calib = calibrationRows(n, v.seed);
  const fittedLevels = log && v.levelWeights === 'fitted';
  const lambdas: Float64Array[] = [];
  let fitMs = 0;
  for (let h = 0; h < H; h++) {
    let lam: Float64Array | null = null;
    if (fittedLevels) {
      const t0 = performance.now();
      const sl = (a: ArrayLike<number>) => Float64Array.from({ length: n * d }, (_, t) => a[h * n * d + t]);
      lam = fitLevelWeights(sl(p.q), sl(p.k), sl(p.v), sl(dense.out), fo, calib);
      lambdas.push(lam);
      fitMs += performance.now() - t0;
    }
    const r = log
      ? await be.logLinear({ ...fo, chunk: v.chunk, beta: v.beta, lambdas: lam }, h)
      : await be.linear({ ...fo, chunk: v.chunk }, h);
    out.set(r.value, h * n * d);
    ms += r.ms;
  }
  const llMetrics: Record<string, number> = {};
  if (log) {
    let num = 0;
    let den = 0;
    for (let h = 0; h < H; h++) {
      const o = out.subarray(h * n * d, (h + 1) * n * d);
      const dh = Float64Array.from({ length: n * d }, (_, t) => dense.out[h * n * d + t]);
      const r = relL2Rows(new Float64Array(n * d), dh, n, d, (i) => !calib[i]);
      num += (relL2Rows(o, dh, n, d, (i) => !calib[i]) * r) ** 2;
      den += r * r;
    }
    llMetrics.heldOutRelL2 = Math.sqrt(num / Math.max(den, 1e-300));
  }
  const c = Math.min(v.chunk, n);
  let flops: number;
  if (log) {
    notes.push(
      fittedLevels
        ? `Log-linear per-level weights fitted by least squares on ${Math.ceil(n / 4)} calibration rows (λ⁰ = 1, λ ≥ 0) [lab design; the paper learns token-dependent λ with the model]; held-out error reported separately. Head 0: λ = ${Array.from(lambdas[0] ?? [], (x) => x.toPrecision(2)).join(', ')} (fit ${fitMs.toFixed(0)} ms on the CPU).`
        : `Log-linear weights λ^(ℓ) = β^ℓ with β = ${v.beta}, fixed (the paper learns them) [our choice].`,
    );
    // Intra-chunk quadratic part plus one state contraction per Fenwick level above the chunk.
    flops = H * (4 * n * f * d * (1 + Math.log2(Math.max(1, n / c))) + 2 * n * c * (f + d));
  } else flops = H * (4 * n * f * d + (causal ? 2 * n * c * (f + d) : 0));
  return {
    out,
    lse: null,
    ms,
    selectMs: 0,
    pairs: null,
    flops,
    classOf: null,
    metrics: { features: f, ...llMetrics },
    arrays: fittedLevels
      ? {
          levelWeights: nd(Float32Array.from(lambdas.flatMap((x) => Array.from(x))), [H, lambdas[0].length]),
        }
      : {},
    notes,
  };
}
