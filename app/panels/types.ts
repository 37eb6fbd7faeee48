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
  /**
   * Sets a spec field from the views (e.g. a click on the map choosing the zoomed region): the change
   * goes through the store like a control's, so it is in the URL and re-runs. Absent where views are
   * read-only (history comparison).
   */
  setValue?: (key: string, value: unknown) => void;
}
