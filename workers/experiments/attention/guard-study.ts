/**
 * SpargeAttn's self-similarity guard against θ: for each θ, the share of blocks it forces, and the error with
 * the guard beside block-sparse top-k without it at the same fraction of kept blocks (equal density).
 */
import { breathe } from '../types';
import type { AttnBackend, AttnProblem, AttnRun } from './backend';
import type { AttnValues } from './method-types';
import { runBlockSparse } from './methods/blocksparse';
import { compare, round } from './metrics';
import type { ChartView } from './views-data';

export const GUARD_THETAS = [-0.2, 0, 0.2, 0.4, 0.6, 0.8];

export async function guardStudy(
  v: AttnValues,
  p: AttnProblem,
  be: AttnBackend,
  dense: AttnRun,
  signal: AbortSignal,
): Promise<ChartView> {
  const { heads, n, d } = p;
  const withGuard: Array<{ x: number; y: number }> = [];
  const without: Array<{ x: number; y: number }> = [];
  const forced: string[] = [];
  const timed = be.timed;
  be.timed = false;
  try {
    for (const theta of GUARD_THETAS) {
      await breathe(signal);
      const g = await runBlockSparse({ ...v, simGuard: true, simTheta: theta, sweep: false }, p, be, dense);
      const kept = g.metrics.blocksKept;
      const cg = compare(g.out, dense.out, heads * n, d, null, dense.lse);
      withGuard.push({ x: round(kept), y: round(cg.relL2) });
      forced.push(`θ = ${theta}: ${(100 * g.metrics.blocksForced).toFixed(0)}% forced`);
      // Same density without the guard: top-k with ρ = the guarded run's kept fraction.
      const u = await runBlockSparse(
        { ...v, simGuard: false, selection: 'topk', rho: Math.min(1, Math.max(0.01, kept)), sweep: false },
        p,
        be,
        dense,
      );
      const cu = compare(u.out, dense.out, heads * n, d, null, dense.lse);
      without.push({ x: round(u.metrics.blocksKept), y: round(cu.relL2) });
    }
  } finally {
    be.timed = timed;
  }
  return {
    id: 'guard',
    title: 'SpargeAttn self-similarity guard against θ (error vs blocks kept)',
    xLabel: 'fraction of key blocks kept (forced included)',
    yLabel: 'relative L2 error vs dense',
    series: [
      { name: `with the guard (${v.selection}), θ = ${GUARD_THETAS.join(', ')}`, points: withGuard },
      { name: 'top-k without the guard, same density', points: without, dashed: true },
    ],
    caption: `Each θ forces the blocks whose rows do not point the same way (${forced.join('; ')}); forced blocks are computed whatever their score. The dashed line asks top-k for the same fraction of blocks by score alone (the diagonal and sink blocks it always adds can make it keep a little more; x shows what each kept). SpargeAttn tunes θ and p per head; here θ is one value for all heads.`,
  };
}
