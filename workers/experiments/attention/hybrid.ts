/**
 * Per-head hybrids (the single-layer picture of MiniCPM-SALA / InfiniteVL-style mixes): each head runs its
 * own method — given as a list, or `auto`: by a rule on the head's dense attention (local heads → sliding
 * window, the others → block-sparse), or, with an error budget, each head's cheapest method meeting it.
 * The mix is compared with all heads dense and all heads on the spec's method.
 */
import { causalityIssue } from '../../spec/attention';
import { UserError } from '../types';
import { type AttnBackend, type AttnProblem, type AttnRun, headOf } from './backend';
import type { AttnValues, MethodResult } from './method-types';
import { compare, densePairs, round } from './metrics';
import { runMethod } from './registry';
import { type TuneTarget, tune, tuneKnobs } from './tune';
import type { ChartView, TableView } from './views-data';

export type BackendFor = (p: AttnProblem) => AttnBackend;

/** Dense mass of sampled late queries within the window band plus the sinks (how local a head is). */
export function localMass(
  q: Float32Array,
  k: Float32Array,
  n: number,
  d: number,
  causal: boolean,
  window: number,
  sinks: number,
): number {
  const tau = 1 / Math.sqrt(d);
  const rows = Math.min(64, n);
  const s = new Float64Array(n);
  let total = 0;
  for (let t = 0; t < rows; t++) {
    const i = Math.floor(n / 2 + ((t + 0.5) * (n - Math.floor(n / 2))) / rows);
    const hi = causal ? i + 1 : n;
    let mx = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < hi; j++) {
      let dot = 0;
      for (let c = 0; c < d; c++) dot += q[i * d + c] * k[j * d + c];
      s[j] = tau * dot;
      mx = Math.max(mx, s[j]);
    }
    let l = 0;
    let local = 0;
    const half = Math.floor(window / 2);
    for (let j = 0; j < hi; j++) {
      const e = Math.exp(s[j] - mx);
      l += e;
      if (j < sinks || (causal ? i - j < window : Math.abs(i - j) <= half)) local += e;
    }
    total += local / l;
  }
  return total / rows;
}

/** Threshold of the auto rule: a head whose window + sink mass reaches it is "local". */
export const LOCAL_HEAD_MASS = 0.9;

function headProblem(p: AttnProblem, h: number): AttnProblem {
  return {
    q: headOf(p, p.q, h),
    k: headOf(p, p.k, h),
    v: headOf(p, p.v, h),
    heads: 1,
    n: p.n,
    d: p.d,
    causal: p.causal,
  };
}

function headDense(dense: AttnRun, p: AttnProblem, h: number): AttnRun {
  const { n, d } = p;
  const sl = (a: ArrayLike<number>, from: number, to: number) =>
    Float64Array.from({ length: to - from }, (_, t) => a[from + t]);
  return {
    out: sl(dense.out, h * n * d, (h + 1) * n * d),
    lse: sl(dense.lse, h * n, (h + 1) * n),
    ms: dense.ms / p.heads,
  };
}

export interface HybridResult extends MethodResult {
  tables: TableView[];
}

export async function runHybrid(
  v: AttnValues,
  p: AttnProblem,
  be: AttnBackend,
  dense: AttnRun,
  backendFor: BackendFor,
  target: TuneTarget | null,
  signal: AbortSignal,
  progress: (stage: string) => void,
): Promise<HybridResult> {
  const { heads: H, n, d, causal } = p;
  const auto = v.hybrid === 'auto';
  const list = auto ? [] : v.hybrid.split(',');
  if (!auto && list.length !== H)
    throw new UserError(
      `hybrid lists ${list.length} method(s) but the data has ${H} heads: give one per head`,
    );
  const denseFlops = 4 * H * densePairs(n, causal) * d;
  const out = new Float32Array(H * n * d);
  const lse = new Float64Array(H * n);
  let hasLse = true;
  let flops = 0;
  let ms = 0;
  let selectMs = 0;
  const classOfs: Array<MethodResult['classOf']> = [];
  const rows: Array<Array<string | number>> = [];
  const notes: string[] = [];
  for (let h = 0; h < H; h++) {
    progress(`hybrid: head ${h + 1}/${H}`);
    const ph = headProblem(p, h);
    const dh = headDense(dense, p, h);
    const hb = backendFor(ph);
    try {
      const local = localMass(ph.q, ph.k, n, d, causal, v.window, v.sinks);
      let values: AttnValues = { ...v, hybrid: '', tune: 'off', sweep: false };
      let why: string;
      if (!auto) {
        values = { ...values, method: list[h] as AttnValues['method'] };
        why = 'given';
      } else if (target) {
        const knobs = tuneKnobs(v, ph).filter((k) =>
          ['rho', 'window', null, 'kh', 'llsaK'].includes(k.field),
        );
        const tr = await tune(values, ph, hb, dh, target, signal, () => {}, knobs);
        const ok = tr
          .filter((r) => r.best)
          .sort((a, b) => (a.best?.flopFraction ?? 1) - (b.best?.flopFraction ?? 1));
        if (ok.length && ok[0].best) {
          const k = ok[0].knob;
          values = {
            ...values,
            ...k.fixed,
            ...(k.field ? { [k.field]: ok[0].best.setting } : {}),
          } as AttnValues;
          why = `tuner: cheapest meeting the budget (${k.field ? `${k.label} = ${ok[0].best.setting}` : 'no knob'})`;
        } else {
          values = { ...values, method: 'dense' };
          why = 'tuner: no method meets the budget → dense';
        }
      } else {
        values = {
          ...values,
          method: local >= LOCAL_HEAD_MASS ? 'window' : 'blocksparse',
        };
        why = `rule: window + sink mass ${local.toFixed(2)} ${local >= LOCAL_HEAD_MASS ? '≥' : '<'} ${LOCAL_HEAD_MASS}`;
      }
      const refused = causalityIssue(values.method, causal);
      if (refused) throw new UserError(`hybrid head ${h}: ${refused}`);
      const r = await runMethod(values, ph, hb, dh);
      out.set(Float32Array.from(r.out as ArrayLike<number>), h * n * d);
      if (r.lse) lse.set(Float64Array.from(r.lse as ArrayLike<number>), h * n);
      else hasLse = false;
      flops += r.flops;
      ms += r.ms;
      selectMs += r.selectMs;
      classOfs.push(r.classOf);
      const c = compare(r.out, dh.out, n, d, r.lse, dh.lse);
      rows.push([
        h,
        round(local),
        values.method,
        why,
        round(c.relL2),
        round(c.cosine),
        round(r.flops / (denseFlops / H)),
      ]);
    } finally {
      hb.destroy();
    }
  }
  // Baselines: every head dense (error 0, all FLOPs) and every head on the spec's method.
  progress(`hybrid: all heads ${v.method}`);
  const uniform = await runMethod({ ...v, hybrid: '', tune: 'off', sweep: false }, p, be, dense);
  const cu = compare(uniform.out, dense.out, H * n, d, uniform.lse, dense.lse);
  const cm = compare(out, dense.out, H * n, d, null, dense.lse);
  const chart: ChartView = {
    id: 'hybrid',
    title: 'Per-head mix against all-dense and all-one-method (error vs compute)',
    xLabel: 'fraction of dense FLOPs',
    yLabel: 'relative L2 error vs dense',
    series: [
      { name: 'all heads dense', points: [{ x: 1, y: 0 }] },
      { name: `all heads ${v.method}`, points: [{ x: uniform.flops / denseFlops, y: cu.relL2 }] },
      { name: 'per-head mix', points: [{ x: flops / denseFlops, y: cm.relL2 }] },
    ],
    caption:
      'A single layer shows the error and cost of giving each head its own method; it cannot show what a trained hybrid (MiniCPM-SALA, InfiniteVL) gains from training with that mix.',
  };
  notes.push(
    auto
      ? target
        ? 'hybrid=auto with an error budget: each head gets the cheapest method (block-sparse, window, SLA, linear family, LLSA) meeting it on that head.'
        : `hybrid=auto by rule: heads whose dense mass within the window (w = ${v.window}) plus ${v.sinks} sinks reaches ${LOCAL_HEAD_MASS} get the window; the others (retrieval-like) block-sparse with this spec’s ρ.`
      : 'hybrid: each head runs the listed method with this spec’s knob values.',
  );
  return {
    out,
    lse: hasLse ? lse : null,
    ms,
    selectMs,
    pairs: null,
    flops,
    arrays: {},
    classOf: (h, i, j) => classOfs[h]?.(0, i, j) ?? -1,
    metrics: {
      hybridRelL2: cm.relL2,
      hybridFlopFraction: flops / denseFlops,
      uniformRelL2: cu.relL2,
      uniformFlopFraction: uniform.flops / denseFlops,
    },
    charts: [chart],
    tables: [
      {
        id: 'hybrid',
        caption: 'Per-head methods',
        columns: [
          'head',
          'window + sink mass',
          'method',
          'why',
          'rel. L2',
          'cosine',
          'fraction of dense FLOPs',
        ],
        rows,
        note: `Mix: rel. L2 ${round(cm.relL2)} at ${round(flops / denseFlops)} of dense FLOPs; all heads ${v.method}: ${round(cu.relL2)} at ${round(uniform.flops / denseFlops)}; all dense: 0 at 1.`,
      },
    ],
    notes,
  };
}
