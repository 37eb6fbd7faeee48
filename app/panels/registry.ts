/** The labs the header shows, in order, with their views loaded on demand. */
import { type ComponentType, lazy } from 'react';
import type { LabViewProps } from './types';

export interface LabEntry {
  id: string;
  title: string;
  blurb: string;
  Views: ComponentType<LabViewProps>;
  /** Its runs await the pause gate (training loops): the UI offers Pause/Resume. */
  pausable?: boolean;
}

export const LABS: LabEntry[] = [
  {
    id: 'attention',
    title: 'Attention',
    blurb:
      'Dense, sliding-window, block-sparse, HiP, SEA, linear, SLA and log-linear attention on the same Q/K/V: what each keeps, what it costs.',
    Views: lazy(() => import('./attention/attention-views').then((m) => ({ default: m.AttentionViews }))),
  },
  {
    id: 'regression',
    title: 'Sparse regression',
    blurb:
      'Lasso, elastic net, LARS, OMP, IHT, FISTA, sparse Bayesian learning and private estimators: coefficient paths, support recovery, error rates and phase transitions.',
    Views: lazy(() => import('./regression/regression-views').then((m) => ({ default: m.RegressionViews }))),
  },
  {
    id: 'sae',
    title: 'Sparse autoencoders',
    blurb:
      'Train ReLU-L1, TopK, BatchTopK, JumpReLU and PolySAE autoencoders in the page; watch features recovered, dead latents and the L0–MSE frontier.',
    Views: lazy(() => import('./sae/sae-views').then((m) => ({ default: m.SaeViews }))),
    pausable: true,
  },
  {
    id: 'pruning',
    title: 'Pruning',
    blurb:
      'Prune a layer (yours or a built-in one) with magnitude, Wanda, SparseGPT, DSnoT, R-Sparse or CoSpaDi: masks, N:M patterns, output error and what a sparse kernel saves.',
    Views: lazy(() => import('./pruning/pruning-views').then((m) => ({ default: m.PruningViews }))),
  },
  {
    id: 'matmul',
    title: 'Matmul check',
    blurb: 'The compute pipe end to end: a tiled WebGPU matrix multiply checked against the CPU reference.',
    Views: lazy(() => import('./matmul/matmul-views').then((m) => ({ default: m.MatmulViews }))),
  },
];

export function labFor(id: string): LabEntry | undefined {
  return LABS.find((l) => l.id === id);
}
