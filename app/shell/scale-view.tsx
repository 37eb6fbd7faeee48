/**
 * The scale view: for the current experiment, FLOPs and memory of the dense baseline and the chosen method
 * at sizes no browser holds, the crossovers, and a roofline time estimate for a GPU class the user picks,
 * scaled by the kernel efficiency measured in this run. Labelled as an estimate; the model is in
 * workers/scale/cost.ts and its tests.
 */
import { useEffect, useState } from 'react';
import type { RunResult } from '../../workers/experiments/types';
import {
  type AttnMethodParams,
  blockSparseCrossover,
  type Cost,
  denseAttentionCost,
  estimateSeconds,
  GPU_CLASSES,
  type GpuClass,
  iterativeCrossover,
  leastSquaresCost,
  linearCrossover,
  methodAttentionCost,
  saeDenseStep,
  saeSparseCrossover,
  saeSparseStep,
  solverCost,
  unfusedScoresBytes,
} from '../../workers/scale/cost';

const SI = ['', 'k', 'M', 'G', 'T', 'P', 'E', 'Z'];
export function fmtCount(x: number, unit: string): string {
  if (!Number.isFinite(x)) return '–';
  let i = 0;
  while (Math.abs(x) >= 1000 && i < SI.length - 1) {
    x /= 1000;
    i++;
  }
  return `${x.toPrecision(3)} ${SI[i]}${unit}`;
}
export function fmtBytes(b: number): string {
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = 0;
  while (b >= 1024 && i < u.length - 1) {
    b /= 1024;
    i++;
  }
  return `${b.toPrecision(3)} ${u[i]}`;
}
export function fmtTime(s: number): string {
  if (s < 1e-3) return `${(s * 1e6).toPrecision(3)} µs`;
  if (s < 1) return `${(s * 1e3).toPrecision(3)} ms`;
  if (s < 3600) return `${s.toPrecision(3)} s`;
  return `${(s / 3600).toPrecision(3)} h`;
}

interface Row {
  size: string;
  base: Cost;
  method: Cost;
}

interface Plan {
  sizeLabel: string;
  baseLabel: string;
  methodLabel: string;
  rows: Row[];
  /** Method efficiency relative to the baseline's, measured in this run (1 when not measured). */
  relEfficiency: number;
  efficiencyNote: string;
  crossovers: string[];
  notes: string[];
}

const num = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);

function attentionPlan(r: RunResult): Plan {
  const v = r.spec as Record<string, unknown>;
  const heads = num(r.metrics.heads, 1);
  const n0 = num(r.metrics.n, 512);
  const d = num(r.metrics.d, 64);
  const causal = v.causal !== false;
  const p = v as unknown as AttnMethodParams;
  const sizes = [...new Set([n0, 1024, 4096, 16384, 32768, 65536, 131072])].sort((a, b) => a - b);
  const rows = sizes.map((n) => {
    const s = { heads, n, d, causal };
    return { size: n.toLocaleString('en'), base: denseAttentionCost(s), method: methodAttentionCost(s, p) };
  });
  const s0 = { heads, n: n0, d, causal };
  const denseFlops = denseAttentionCost(s0).flops;
  const methodMs = num(r.metrics.kernelMs, Number.NaN) + num(r.metrics.selectMs, 0);
  const denseMs = num(r.metrics.denseMs, Number.NaN);
  const measured = (num(r.metrics.flopFraction, 1) * denseFlops) / methodMs / (denseFlops / denseMs);
  const gpuRun = r.backend === 'webgpu';
  const rel = gpuRun && Number.isFinite(measured) && measured > 0 ? Math.min(measured, 1e3) : 1;
  const lin = linearCrossover(d, causal, p);
  const bs = blockSparseCrossover(d, causal, { ...p, selection: 'topk' });
  const model = methodAttentionCost(s0, p).model;
  return {
    sizeLabel: 'N (tokens)',
    baseLabel: 'dense (flash)',
    methodLabel: String(v.method),
    rows,
    relEfficiency: rel,
    efficiencyNote: gpuRun
      ? `measured in this run on this adapter: the method's FLOP/s ÷ dense flash's FLOP/s = ${rel.toPrecision(3)}`
      : 'not measured: this run used the CPU backend, whose timings say nothing about GPU kernels (run on WebGPU to measure it)',
    crossovers: [
      `Linear attention (φ = ${String(v.featureMap)}, chunk ${String(v.chunk)}) needs fewer FLOPs than dense from N = ${lin?.toLocaleString('en') ?? 'never (up to 1M)'}.`,
      `Block-sparse top-k (ρ = ${String(v.rho)}, block ${String(v.block)}): its pooling, block scores and forced blocks stop paying for themselves from N = ${bs?.toLocaleString('en') ?? 'never (up to 1M)'}.`,
    ],
    notes: [
      `Method model: ${model}.`,
      `A non-fused dense implementation also holds the H·N² scores: ${fmtBytes(unfusedScoresBytes({ ...s0, n: 131072 }))} at N = 131,072.`,
    ],
  };
}

function saePlan(r: RunResult): Plan {
  const v = r.spec as Record<string, unknown>;
  const enc = r.arrays.encoder;
  const m0 = enc ? enc.shape[0] : num(v.latents, 128);
  const d = enc ? enc.shape[1] : 64;
  const k = num(v.k, 4);
  const batch = num(v.batch, 256);
  const sizes = [...new Set([m0, 16384, 65536, 262144, 1 << 20])].sort((a, b) => a - b);
  const rows = sizes.map((m) => {
    const s = { d, m, k, batch };
    return { size: m.toLocaleString('en'), base: saeDenseStep(s), method: saeSparseStep(s) };
  });
  return {
    sizeLabel: 'latents M (one training step)',
    baseLabel: 'dense decoder',
    methodLabel: `sparse decoder (k = ${k})`,
    rows,
    relEfficiency: 1,
    efficiencyNote: 'not measured for this lab (no dense baseline in the run): both at the dense efficiency',
    crossovers: [],
    notes: [
      `d = ${d}, batch ${batch}. Adam touches every parameter each step, so it bounds the saving at large M.`,
    ],
  };
}

function regressionPlan(r: RunResult): Plan {
  const v = r.spec as Record<string, unknown>;
  const n0 = num(r.metrics.n, 100);
  const d0 = num(r.metrics.d, 50);
  const solver = String(v.solver);
  const alphas = r.arrays.alphas ? r.arrays.alphas.shape[0] : 1;
  const iterations = num(r.metrics.iterations, num(v.maxIter, 1000));
  const sizes: Array<[number, number]> = [
    [n0, d0],
    [1e4, 1e3],
    [1e5, 1e3],
    [1e6, 1e4],
  ];
  const rows = sizes.map(([n, d]) => ({
    size: `${n.toLocaleString('en')} × ${d.toLocaleString('en')}`,
    base: leastSquaresCost({ n, d }),
    method: solverCost({ n, d }, solver, { iterations, k: num(v.k, 8), alphas }),
  }));
  const big = { n: 1e6, d: 1e4 };
  return {
    sizeLabel: 'n × d',
    baseLabel: 'least squares (normal equations)',
    methodLabel: solver,
    rows,
    relEfficiency: 1,
    efficiencyNote: 'not measured for this lab: both at the dense efficiency',
    crossovers: [
      `An iterative solver (4nd FLOPs per sweep or step) does more work than the direct solve after ${iterativeCrossover(big).toLocaleString('en')} iterations at 10⁶ × 10⁴ (≈ d/2).`,
    ],
    notes: [`Solver model: ${solverCost(big, solver, { iterations, k: num(v.k, 8), alphas }).model}.`],
  };
}

function matmulPlan(r: RunResult): Plan {
  const a = r.arrays.a;
  const b = r.arrays.b;
  const [m0, k0] = a ? a.shape : [256, 256];
  const n0 = b ? b.shape[1] : 256;
  const cost = (m: number, n: number, k: number): Cost => ({
    flops: 2 * m * n * k,
    bytes: 4 * (m * k + k * n + m * n),
  });
  const sizes: Array<[number, number, number]> = [
    [m0, n0, k0],
    [4096, 4096, 4096],
    [16384, 16384, 16384],
  ];
  return {
    sizeLabel: 'm × n × k',
    baseLabel: 'tiled matmul',
    methodLabel: 'tiled matmul',
    rows: sizes.map(([m, n, k]) => ({
      size: `${m} × ${n} × ${k}`,
      base: cost(m, n, k),
      method: cost(m, n, k),
    })),
    relEfficiency: 1,
    efficiencyNote: `this run reached ${num(r.metrics.gflops, Number.NaN).toPrecision(3)} GFLOP/s here`,
    crossovers: [],
    notes: [],
  };
}

export function scalePlan(r: RunResult): Plan | null {
  if (r.experiment === 'attention') return attentionPlan(r);
  if (r.experiment === 'sae' && r.arrays.encoder) return saePlan(r);
  if (r.experiment === 'regression' && (r.arrays.coef || r.arrays.coefs)) return regressionPlan(r);
  if (r.experiment === 'matmul') return matmulPlan(r);
  return null;
}

/**
 * The scale plan of a result, computed in its own task when the main thread is idle (it sweeps sizes up to
 * 128k tokens: tens of milliseconds on a slow machine), not in the render that shows a new result. Null until
 * then, and for results without a plan.
 */
function useIdlePlan(result: RunResult): ReturnType<typeof scalePlan> {
  const [done, setDone] = useState<{ result: RunResult; plan: ReturnType<typeof scalePlan> } | null>(null);
  useEffect(() => {
    let live = true;
    const run = () => {
      if (live) setDone({ result, plan: scalePlan(result) });
    };
    if (typeof requestIdleCallback === 'function') {
      const id = requestIdleCallback(run, { timeout: 1000 });
      return () => {
        live = false;
        cancelIdleCallback(id);
      };
    }
    const id = setTimeout(run, 0);
    return () => {
      live = false;
      clearTimeout(id);
    };
  }, [result]);
  return done?.result === result ? done.plan : null;
}

export function ScaleView({ result }: { result: RunResult }) {
  const [gpuIdx, setGpuIdx] = useState(0);
  const [peak, setPeak] = useState(GPU_CLASSES[0].peak / 1e12);
  const [bw, setBw] = useState(GPU_CLASSES[0].bandwidth / 1e9);
  const [eta, setEta] = useState(0.5);
  const gpu: GpuClass = {
    name: GPU_CLASSES[gpuIdx]?.name ?? 'custom',
    peak: peak * 1e12,
    bandwidth: bw * 1e9,
  };
  const plan = useIdlePlan(result);
  if (!plan) return null;
  const etaMethod = eta * plan.relEfficiency;
  const sae = result.experiment === 'sae' ? saeCrossoverLine(result, gpu, eta) : null;
  return (
    <details className="scale-view" data-testid="scale-view">
      <summary>Scale: FLOPs, memory and an estimated time at large sizes</summary>
      <div className="export-bar wrap">
        <label>
          GPU class{' '}
          <select
            value={gpuIdx}
            onChange={(e) => {
              const i = Number(e.target.value);
              setGpuIdx(i);
              if (GPU_CLASSES[i]) {
                setPeak(GPU_CLASSES[i].peak / 1e12);
                setBw(GPU_CLASSES[i].bandwidth / 1e9);
              }
            }}
          >
            {GPU_CLASSES.map((g, i) => (
              <option key={g.name} value={i}>
                {g.name}
              </option>
            ))}
            <option value={-1}>custom</option>
          </select>
        </label>
        <label>
          peak TFLOP/s{' '}
          <input
            type="number"
            min={0.001}
            step="any"
            value={peak}
            data-testid="scale-peak"
            onChange={(e) => {
              setGpuIdx(-1);
              setPeak(Math.max(Number(e.target.value) || 0.001, 0.001));
            }}
          />
        </label>
        <label>
          bandwidth GB/s{' '}
          <input
            type="number"
            min={1}
            step="any"
            value={bw}
            onChange={(e) => {
              setGpuIdx(-1);
              setBw(Math.max(Number(e.target.value) || 1, 1));
            }}
          />
        </label>
        <label>
          dense kernel efficiency{' '}
          <input
            type="number"
            min={0.01}
            max={1}
            step={0.05}
            value={eta}
            onChange={(e) => setEta(Math.min(1, Math.max(Number(e.target.value) || 0.01, 0.01)))}
          />
        </label>
      </div>
      <table className="scale-table">
        <caption>
          {plan.baseLabel} vs {plan.methodLabel}; time is an <strong>estimate</strong>
        </caption>
        <thead>
          <tr>
            <th scope="col">{plan.sizeLabel}</th>
            <th scope="col">{plan.baseLabel}: FLOPs</th>
            <th scope="col">memory</th>
            <th scope="col">{plan.methodLabel}: FLOPs</th>
            <th scope="col">memory</th>
            <th scope="col">FLOPs ratio</th>
            <th scope="col">est. time, {plan.baseLabel}</th>
            <th scope="col">est. time, {plan.methodLabel}</th>
          </tr>
        </thead>
        <tbody>
          {plan.rows.map((row) => (
            <tr key={row.size}>
              <th scope="row">{row.size}</th>
              <td>{fmtCount(row.base.flops, 'FLOP')}</td>
              <td>{fmtBytes(row.base.bytes)}</td>
              <td>{fmtCount(row.method.flops, 'FLOP')}</td>
              <td>{fmtBytes(row.method.bytes)}</td>
              <td>{(row.method.flops / row.base.flops).toPrecision(3)}</td>
              <td>{fmtTime(estimateSeconds(row.base, gpu, eta))}</td>
              <td>{fmtTime(estimateSeconds(row.method, gpu, etaMethod))}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ul className="scale-notes">
        {plan.crossovers.map((c) => (
          <li key={c} data-testid="scale-crossover">
            {c}
          </li>
        ))}
        {sae ? <li data-testid="scale-crossover">{sae}</li> : null}
        {plan.notes.map((c) => (
          <li key={c}>{c}</li>
        ))}
        <li>
          Estimate: roofline max(FLOPs ÷ (efficiency × peak), memory ÷ bandwidth) on {gpu.name}. Efficiency:{' '}
          {eta} for the baseline (your input); {etaMethod.toPrecision(3)} for the method —{' '}
          {plan.efficiencyNote}. Memory is what stays on the device (float32; regression float64), moved once:
          a lower bound on traffic.
        </li>
      </ul>
    </details>
  );
}

function saeCrossoverLine(r: RunResult, gpu: GpuClass, eta: number): string {
  const v = r.spec as Record<string, unknown>;
  const d = r.arrays.encoder?.shape[1] ?? 64;
  const s = { d, k: num(v.k, 4), batch: num(v.batch, 256) };
  const m = saeSparseCrossover(s, gpu, eta);
  return `The sparse decoder (gathering k = ${s.k} atoms per sample, with its indices) beats the dense decoder GEMM on this GPU class from M = ${m?.toLocaleString('en') ?? 'never (up to 16M)'} latents; below that its index overhead and lost reuse do not pay.`;
}
