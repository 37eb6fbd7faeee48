/**
 * Mask agreement between the GPU's selection and the CPU's own, recomputed from Q and K in float64.
 *
 * A selection keeps the first `keep` candidates of a row in the CPU's order (best first), plus blocks it
 * always keeps (`forced`). The GPU computes the scores in float32, so where two candidates' scores are
 * within the rounding tolerance τ the GPU may legitimately pick the other one: such a swap is a near-tie
 * and counts as agreement. Any other difference is a mismatch, and one mismatch makes the parity fail.
 *
 * A GPU-kept block the CPU dropped is a near-tie when its score is within 2τ of the CPU's last kept
 * score (or its rank lies inside the range of counts a near-tie of the mass threshold allows, for
 * top-p); a CPU-kept block the GPU dropped is a near-tie when its score is within 2τ of the CPU's first
 * dropped score (or its rank is at or past the smallest such count).
 */

export interface RowSelection {
  /** Candidates in the CPU's order, best first. */
  order: ArrayLike<number>;
  /** The CPU's score of a candidate (the one its order sorts by). */
  score(j: number): number;
  /** How many of `order` the CPU keeps. */
  keep: number;
  /** The smallest and largest counts a near-tie of a mass threshold allows (top-p); default: keep. */
  keepLo?: number;
  keepHi?: number;
  /** Candidates kept whatever their score (diagonal, sink, own bucket): not compared. */
  forced?: ReadonlySet<number>;
}

export interface Agreement {
  /** Kept blocks in either selection. */
  union: number;
  /** Of them, kept by both, or differing by a near-tie. */
  agree: number;
  /** Differences a near-tie does not explain. */
  mismatches: number;
  /** Differences explained by near-ties. */
  ties: number;
}

export const emptyAgreement = (): Agreement => ({ union: 0, agree: 0, mismatches: 0, ties: 0 });

export function addAgreement(a: Agreement, b: Agreement): Agreement {
  return {
    union: a.union + b.union,
    agree: a.agree + b.agree,
    mismatches: a.mismatches + b.mismatches,
    ties: a.ties + b.ties,
  };
}

/** Compares one row: `gpuKept` is the GPU's full kept set (forced blocks included or not). */
export function rowAgreement(sel: RowSelection, gpuKept: ReadonlySet<number>, tau: number): Agreement {
  const forced = sel.forced ?? new Set<number>();
  const rank = new Map<number, number>();
  for (let r = 0; r < sel.order.length; r++) rank.set(sel.order[r], r);
  // A count past the candidates (top-k keeps ≥ 1 even when the guard forced every block) keeps them all.
  sel = { ...sel, keep: Math.min(sel.keep, sel.order.length) };
  const cpu = new Set<number>();
  for (let r = 0; r < sel.keep; r++) cpu.add(sel.order[r]);
  for (const j of forced) cpu.add(j);
  const gpu = new Set<number>(gpuKept);
  for (const j of forced) gpu.add(j);
  const lastKept = sel.keep > 0 ? sel.score(sel.order[sel.keep - 1]) : Number.POSITIVE_INFINITY;
  const firstDropped =
    sel.keep < sel.order.length ? sel.score(sel.order[sel.keep]) : Number.NEGATIVE_INFINITY;
  const keepLo = sel.keepLo ?? sel.keep;
  const keepHi = sel.keepHi ?? sel.keep;
  const out = emptyAgreement();
  const union = new Set([...cpu, ...gpu]);
  out.union = union.size;
  for (const j of union) {
    const inCpu = cpu.has(j);
    const inGpu = gpu.has(j);
    if (inCpu && inGpu) {
      out.agree++;
      continue;
    }
    const r = rank.get(j);
    const s = sel.score(j);
    const tie =
      r !== undefined &&
      (inGpu
        ? r < keepHi || s >= lastKept - 2 * tau // the GPU kept one the CPU dropped
        : r >= keepLo || s <= firstDropped + 2 * tau); // the GPU dropped one the CPU kept
    if (tie) {
      out.agree++;
      out.ties++;
    } else out.mismatches++;
  }
  return out;
}

/** Rounding tolerance for float32 scores of this magnitude (relative to the row's largest). */
export function scoreTolerance(scores: Iterable<number>, rel = 1e-4): number {
  let m = 0;
  for (const s of scores) if (Number.isFinite(s)) m = Math.max(m, Math.abs(s));
  return rel * Math.max(m, 1e-6);
}
