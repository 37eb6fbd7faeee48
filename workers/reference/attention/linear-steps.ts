/**
 * The linear-family CPU references are generators that yield their progress (a fraction in [0, 1]) between
 * chunks of work; these drivers run them to completion at once (`runSteps`) or with a pause every ~30 ms
 * (`runStepsAsync`, for the CPU backend: the pause is where a runner reports progress and `breathe`s so a
 * cancel can arrive).
 */
export type Steps<T> = Generator<number, T, void>;

export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

export async function runStepsAsync<T>(
  steps: Steps<T>,
  pause: (fraction: number) => Promise<void>,
  everyMs = 30,
): Promise<T> {
  let last = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - last >= everyMs) {
      await pause(r.value);
      last = performance.now();
    }
  }
}
