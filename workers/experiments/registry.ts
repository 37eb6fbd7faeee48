/** Runners by experiment id: what the worker and the CLI dispatch to. */
import { attentionExperiment } from './attention/run';
import { matmulExperiment } from './matmul/run';
import { pruningExperiment } from './pruning/run';
import { regressionExperiment } from './regression/run';
import { saeExperiment } from './sae/run';
import type { Experiment } from './types';

export const experiments: Record<string, Experiment> = {
  attention: attentionExperiment as unknown as Experiment,
  matmul: matmulExperiment as unknown as Experiment,
  pruning: pruningExperiment as unknown as Experiment,
  regression: regressionExperiment as unknown as Experiment,
  sae: saeExperiment as unknown as Experiment,
};

export function experimentFor(id: string): Experiment | undefined {
  return Object.hasOwn(experiments, id) ? experiments[id] : undefined;
}
