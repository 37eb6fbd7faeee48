/** Fields that several experiments share, defined once. */
import { num } from './fields';

export const seedField = num({
  label: 'Seed',
  default: 1,
  min: 0,
  max: 2 ** 31 - 1,
  int: true,
  group: 'Data',
  help: 'Seeds every random draw: the same seed rebuilds the same data.',
});

/**
 * Resource limits (every lab): a run whose estimated memory or work is above them is refused before it
 * starts, with the estimate (workers/experiments/estimate.ts). 0 means the default.
 */
export const limitFields = {
  maxMemoryGB: num({
    label: 'Max memory (GB)',
    default: 0,
    min: 0,
    max: 1024,
    group: 'Limits',
    help: 'Runs estimated to need more memory are refused before they start, naming the estimate. 0: the default, 2 GB.',
  }),
  maxGflop: num({
    label: 'Max work (GFLOP)',
    default: 0,
    min: 0,
    max: 1e9,
    group: 'Limits',
    help: 'Runs estimated to need more floating-point work are refused before they start. 0: the default, 2,000 GFLOP on the CPU backend and 200,000 on WebGPU.',
  }),
};
