/** The work/memory estimate's type, apart from estimate.ts so that each lab's estimate can import it without a cycle. */
export interface Estimate {
  /** Floating-point operations (multiply and add counted separately). */
  flops: number;
  /** Peak bytes held at once (the largest arrays a run allocates together). */
  bytes: number;
  /** What the numbers count, in words (shown with a refusal). */
  detail: string;
}
