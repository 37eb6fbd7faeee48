/**
 * Error vs compute on the same Q/K/V: several methods at several sparsities, each point sent to the views
 * as soon as it is computed. x = fraction of dense FLOPs (mask methods: attended pairs plus selection cost;
 * linear family: feature-space cost), y = relative L2 error of the output against dense.
 */

import { causalityIssue } from '../../spec/attention';
import { breathe } from '../types';
import type { AttnBackend, AttnProblem, AttnRun } from './backend';
import type { AttnValues } from './method-types';
import { compare, densePairs, round } from './metrics';
import { runMethod } from './registry';
import type { SweepSeries } from './views-data';

interface Variant {
  series: string;
  label: string;
  values: Partial<AttnValues>;
}

export function sweepVariants(v: AttnValues, p: AttnProblem): Variant[] {
  const { n, causal } = p;
  const out: Variant[] = [];
  for (const rho of [0.05, 0.1, 0.2, 0.35, 0.5, 0.75]) {
    out.push({
      series: `block-sparse top-k (b=${v.block})`,
      label: `ρ=${rho}`,
      values: { method: 'blocksparse', selection: 'topk', rho },
    });
  }
  for (const f of [0.03, 0.06, 0.125, 0.25, 0.5]) {
    const window = Math.max(2, Math.round(f * n * (causal ? 1 : 2)));
    out.push({
      series: `window + ${v.sinks} sinks`,
      label: `w=${window}`,
      values: { method: 'window', window },
    });
  }
  const hipMax = 256 * v.hipBk;
  for (const f of [0.03, 0.06, 0.125, 0.25]) {
    const k = Math.min(hipMax, Math.max(8, Math.round(f * n)));
    out.push({
      series: `HiP (w=${v.window}, s=${v.sinks})`,
      label: `k=${k}`,
      values: { method: 'hip', hipK: k },
    });
  }
  for (const rho of [0.05, 0.1, 0.2, 0.4])
    out.push({ series: 'SEA (training-free)', label: `ρ=${rho}`, values: { method: 'sea', rho } });
  for (const kh of [2, 5, 10, 20]) {
    out.push({
      series: `SLA (kl=${Math.min(v.kl, 100 - kh)}%)`,
      label: `kh=${kh}%`,
      values: { method: 'sla', kh, kl: Math.min(v.kl, 100 - kh) },
    });
  }
  out.push({ series: `linear (${v.featureMap})`, label: v.featureMap, values: { method: 'linear' } });
  out.push({ series: `log-linear (${v.featureMap})`, label: v.featureMap, values: { method: 'loglinear' } });
  for (const k of [2, 4, 8, 16])
    out.push({
      series: `LLSA (${v.llsaEnrich}, training-free)`,
      label: `K=${k}`,
      values: { method: 'llsa', llsaK: k },
    });
  // Only the methods that support this causality (the method table says which).
  return out.filter((p) => !p.values.method || !causalityIssue(p.values.method, causal));
}

export async function runSweep(
  v: AttnValues,
  p: AttnProblem,
  be: AttnBackend,
  dense: AttnRun,
  signal: AbortSignal,
  onPoint: (series: SweepSeries[], done: number, total: number) => void,
): Promise<SweepSeries[]> {
  const { heads, n, d, causal } = p;
  const denseFlops = 4 * heads * densePairs(n, causal) * d;
  const series: SweepSeries[] = [
    { name: 'dense (anchor)', points: [{ x: 1, y: 0, recall: 1, label: 'dense' }] },
  ];
  const variants = sweepVariants(v, p);
  be.timed = false;
  try {
    for (let t = 0; t < variants.length; t++) {
      const vt = variants[t];
      await breathe(signal);
      const r = await runMethod({ ...v, ...vt.values } as AttnValues, p, be, dense);
      const c = compare(r.out, dense.out, heads * n, d, r.lse, dense.lse);
      let s = series.find((x) => x.name === vt.series);
      if (!s) series.push((s = { name: vt.series, points: [] }));
      s.points.push({
        x: round(r.flops / denseFlops),
        y: round(c.relL2),
        recall: c.recall === null ? null : round(c.recall),
        label: vt.label,
      });
      onPoint(series, t + 1, variants.length);
    }
  } finally {
    be.timed = true;
  }
  return series;
}
