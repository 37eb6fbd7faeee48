/** Runners by experiment id: what the worker and the CLI dispatch to. */
import { matmulExperiment } from './matmul/run';
import type { Experiment } from './types';

export const experiments: Record<string, Experiment> = {
  matmul: matmulExperiment as unknown as Experiment,
};

export function experimentFor(id: string): Experiment | undefined {
  return Object.hasOwn(experiments, id) ? experiments[id] : undefined;
}
