/** The contract between the lab shell and one lab's views. */
import type { Progress, RunResult } from '../../workers/experiments/types';

export interface LabViewProps {
  /** The current spec values (validated), e.g. to label axes. */
  values: Record<string, unknown>;
  /** The last finished result for these values, or null while none. */
  result: RunResult | null;
  /** The latest progress of the running run (its `partial` may carry points to draw already). */
  progress: Progress | null;
  running: boolean;
}
