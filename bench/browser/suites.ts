/** The suites `--browser` runs in Chromium: those that exercise the GPU (the CPU suites are Node's alone). */
import type { BenchOptions, BenchRow } from '../common';

type Suite = (o: BenchOptions) => Promise<BenchRow[]>;

export const BROWSER_SUITES: Record<string, () => Promise<Suite>> = {
  matmul: async () => (await import('../matmul')).benchMatmul,
  attention: async () => (await import('../attention')).benchAttention,
  'attention-linear': async () => (await import('../attention-linear')).benchAttentionLinear,
  'attention-goals': async () => (await import('../attention-goals')).benchAttentionGoals,
};
