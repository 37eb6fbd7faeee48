/**
 * Error-budget tuner: for each method, the cheapest setting of its sparsity knob whose output meets a target
 * (cosine ≥ c or relative L2 ≤ x against dense), by bisection over a grid ordered by compute. Every
 * evaluated step is streamed as a point of the error-vs-compute chart. The search assumes the error falls
 * as the knob grows; the answer is always checked (it meets the target) and so is the grid point just
 * below it (it does not), so a non-monotone error curve can only make the answer not the globally cheapest.
 */

import { attentionSpec, causalityIssue } from '../../spec/attention';
import { toHash } from '../../spec/url';
import { breathe } from '../types';
import type { AttnBackend, AttnProblem, AttnRun } from './backend';
import type { AttnValues } from './method-types';
import { compare, densePairs, round } from './metrics';
import { runMethod } from './registry';
import type { SweepSeries, TableView } from './views-data';

export interface TuneTarget {
  metric: 'cosine' | 'rel';
  value: number;
}

export function parseTune(s: string): TuneTarget | null {
  if (s === 'off' || s === '') return null;
  const [m, x] = s.split(':');
  if ((m !== 'cosine' && m !== 'rel') || !(Number(x) > 0)) throw new Error(`tune: cannot read "${s}"`);
  return { metric: m, value: Number(x) };
}

export const describeTarget = (t: TuneTarget) =>
  t.metric === 'cosine' ? `cosine ≥ ${t.value}` : `relative L2 ≤ ${t.value}`;

export interface Knob {
  /** Row name in the table and series name in the chart. */
  name: string;
  /** The knob's field and label, or null for a method without one (a single setting). */
  field: keyof AttnValues | null;
  label: string;
  /** Grid, cheapest first. */
  grid: number[];
  fixed: Partial<AttnValues>;
}

const pow2Up = (from: number, to: number) => {
  const out: number[] = [];
  for (let x = from; x < to; x *= 2) out.push(x);
  out.push(to);
  return out;
};

/** The methods and knobs the tuner searches for this problem. */
export function tuneKnobs(v: AttnValues, p: Pick<AttnProblem, 'n' | 'causal'>): Knob[] {
  const { n, causal } = p;
  const knobs: Knob[] = [
    {
      name: 'block-sparse top-k',
      field: 'rho',
      label: 'ρ',
      grid: [0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.7, 1],
      fixed: { method: 'blocksparse', selection: 'topk' },
    },
    {
      name: 'block-sparse top-p',
      field: 'topP',
      label: 'p',
      grid: [0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 1],
      fixed: { method: 'blocksparse', selection: 'topp' },
    },
    {
      name: `window + ${v.sinks} sinks`,
      field: 'window',
      label: 'w',
      grid: pow2Up(8, causal ? n : 2 * n),
      fixed: { method: 'window' },
    },
    {
      name: 'HiP',
      field: 'hipK',
      label: 'k',
      grid: pow2Up(8, Math.max(8, Math.min(256 * v.hipBk, n))),
      fixed: { method: 'hip' },
    },
    {
      name: `SLA (${v.combine === 'sum' ? `sum, Proj ${v.projection}` : 'mix'})`,
      field: 'kh',
      label: 'kh %',
      grid: [1, 2, 3, 5, 8, 12, 20, 35, 50, 75, 100],
      fixed: { method: 'sla', kl: 0 },
    },
    { name: `linear (${v.featureMap})`, field: null, label: '—', grid: [0], fixed: { method: 'linear' } },
    { name: 'log-linear', field: null, label: '—', grid: [0], fixed: { method: 'loglinear' } },
    {
      name: `LLSA (${v.llsaEnrich})`,
      field: 'llsaK',
      label: 'K',
      grid: pow2Up(1, Math.max(1, Math.ceil(n / 16))),
      fixed: { method: 'llsa' },
    },
  ];
  // Only the methods that support this causality (the method table says which).
  return knobs.filter((k) => !k.fixed.method || !causalityIssue(k.fixed.method, causal));
}

export interface TuneStep {
  setting: number;
  err: number;
  cosine: number;
  flopFraction: number;
  meets: boolean;
}

export interface TuneRow {
  knob: Knob;
  /** The cheapest setting meeting the target, or null when even the most expensive one does not. */
  best: TuneStep | null;
  /** The grid point just below `best` (evaluated, fails), or null when `best` is the cheapest grid point. */
  cheaper: TuneStep | null;
  /** The most expensive setting (evaluated first). */
  top: TuneStep;
  steps: TuneStep[];
  ms: number | null;
  link: string | null;
}

export const meetsTarget = (t: TuneTarget, err: number, cosine: number) =>
  t.metric === 'cosine' ? cosine >= t.value : err <= t.value;

export async function tune(
  v: AttnValues,
  p: AttnProblem,
  be: AttnBackend,
  dense: AttnRun,
  target: TuneTarget,
  signal: AbortSignal,
  onStep: (series: SweepSeries[]) => void,
  knobs: Knob[] = tuneKnobs(v, p),
): Promise<TuneRow[]> {
  const { heads, n, d, causal } = p;
  const denseFlops = 4 * heads * densePairs(n, causal) * d;
  const series: SweepSeries[] = [];
  const rows: TuneRow[] = [];
  const valuesAt = (k: Knob, x: number) =>
    ({
      ...v,
      ...k.fixed,
      ...(k.field ? { [k.field]: x } : {}),
      tune: 'off',
      hybrid: '',
      sweep: false,
    }) as AttnValues;
  const wasTimed = be.timed;
  be.timed = false;
  try {
    for (const k of knobs) {
      const s: SweepSeries = { name: `tuner: ${k.name}`, points: [] };
      series.push(s);
      const steps: TuneStep[] = [];
      const cache = new Map<number, TuneStep>();
      const evalAt = async (idx: number): Promise<TuneStep> => {
        const hit = cache.get(idx);
        if (hit) return hit;
        await breathe(signal);
        const x = k.grid[idx];
        const r = await runMethod(valuesAt(k, x), p, be, dense);
        const c = compare(r.out, dense.out, heads * n, d, r.lse, dense.lse);
        const step = {
          setting: x,
          err: c.relL2,
          cosine: c.cosine,
          flopFraction: r.flops / denseFlops,
          meets: meetsTarget(target, c.relL2, c.cosine),
        };
        cache.set(idx, step);
        steps.push(step);
        s.points = [...steps]
          .sort((a, b) => a.flopFraction - b.flopFraction)
          .map((t) => ({
            x: round(t.flopFraction),
            y: round(t.err),
            recall: null,
            label: `${k.label}=${t.setting}${t.meets ? ' ✓' : ''}`,
          }));
        onStep(series);
        return step;
      };
      let hi = k.grid.length - 1;
      const top = await evalAt(hi);
      let best: TuneStep | null = null;
      let cheaper: TuneStep | null = null;
      if (top.meets) {
        let lo = -1;
        while (hi - lo > 1) {
          const mid = (lo + hi) >> 1;
          if ((await evalAt(mid)).meets) hi = mid;
          else lo = mid;
        }
        best = await evalAt(hi);
        cheaper = lo >= 0 ? await evalAt(lo) : null;
      }
      rows.push({ knob: k, best, cheaper, top, steps, ms: null, link: null });
    }
  } finally {
    be.timed = wasTimed;
  }
  // Measured time of each winner (timed run) and its share link.
  for (const r of rows) {
    if (!r.best) continue;
    await breathe(signal);
    const values = valuesAt(r.knob, r.best.setting);
    const m = await runMethod(values, p, be, dense);
    r.ms = m.ms + m.selectMs;
    r.link = toHash(attentionSpec, { ...values, sweep: v.sweep });
  }
  return rows;
}

export function tuneTable(rows: TuneRow[], target: TuneTarget, denseMs: number, heads = 1): TableView {
  const fmt = (t: TuneStep) => (target.metric === 'cosine' ? round(t.cosine) : round(t.err));
  return {
    id: 'tuner',
    caption: `Error budget ${describeTarget(target)}: the cheapest setting per method`,
    columns: [
      'method',
      'cheapest setting',
      target.metric === 'cosine' ? 'cosine' : 'rel. L2',
      'fraction of dense FLOPs',
      'measured time (ms)',
      'next cheaper setting',
    ],
    rows: rows.map((r) => {
      const k = r.knob;
      if (!r.best)
        return [
          k.name,
          'cannot meet the target',
          fmt(r.top),
          round(r.top.flopFraction),
          '—',
          k.field ? `even ${k.label} = ${r.top.setting} gives ${fmt(r.top)}` : 'no knob to turn',
        ];
      return [
        k.name,
        k.field ? `${k.label} = ${r.best.setting}` : '(no knob)',
        fmt(r.best),
        round(r.best.flopFraction),
        r.ms === null ? '—' : round(r.ms),
        r.cheaper
          ? `${k.label} = ${r.cheaper.setting}: ${fmt(r.cheaper)} (misses)`
          : 'none (cheapest grid point)',
      ];
    }),
    links: rows.map((r) => r.link),
    note: `Dense took ${round(denseMs)} ms on the same backend. Settings come from a grid searched by bisection (it assumes the error falls as the knob grows); each answer was measured to meet the target and the grid point below it to miss it. FLOPs count attention plus selection or estimate; times are single timed runs.${heads > 1 ? ` Errors are over all ${heads} heads together; for each head’s own cheapest method add hybrid=auto (it runs this search per head).` : ''}`,
  };
}
