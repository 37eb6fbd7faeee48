/**
 * Log-linear sparse attention (LLSA), training-free, float64 reference. Non-causal.
 *
 * Levels: level 0 is the tokens; a level-ℓ block is B^ℓ consecutive tokens (B = 16), and its pooled q, k, v
 * are the means over its real tokens (a partial last block divides by its real count).
 *
 * Hierarchical top-k: at the top level L every level-L query block scores all level-L key blocks (plain dot
 * product of pooled q and k, no τ) and keeps the K best; at each level ℓ < L a query block scores only the
 * children of its parent's picks and keeps the K best. Ties go to the lower index.
 *
 * KV enrichment: query i takes one softmax (scale τ = 1/√d) over
 *   - the fine tokens of its K level-1 picks (weight 1), and, per `enrich`,
 *   - 'code': for every level ℓ = 1..L, the pooled level-ℓ tokens of all its level-ℓ candidates, weighted by
 *     their token counts (B^ℓ when full): w·e^s in numerator and denominator (the released code's form; it
 *     double-counts the picked region);
 *   - 'partition' [lab design]: the same, but only for candidates not picked, so every key counts once;
 *   - 'none': fine tokens only.
 * With K ≥ the number of level-1 blocks, 'none' and 'partition' equal dense attention.
 */

export const LLSA_B = 16;

export type LlsaEnrich = 'none' | 'code' | 'partition';

export interface LlsaOpts {
  n: number;
  d: number;
  /** Number of pooled levels L ≥ 1; 0 = the released code's rule (1 below N = 16384, else 2). */
  levels: number;
  /** Blocks kept per query block at every level. */
  k: number;
  enrich: LlsaEnrich;
}

export function llsaLevels(n: number, requested: number): number {
  if (requested > 0) return requested;
  return n >= 16384 ? 2 : 1;
}

/** Mean over each block of `size` consecutive rows (real row count for the last one), and the counts. */
export function poolRows(
  x: ArrayLike<number>,
  n: number,
  d: number,
  size: number,
): { mean: Float64Array; count: Int32Array } {
  const nb = Math.ceil(n / size);
  const mean = new Float64Array(nb * d);
  const count = new Int32Array(nb);
  for (let J = 0; J < nb; J++) {
    const r1 = Math.min(n, (J + 1) * size);
    count[J] = r1 - J * size;
    for (let r = J * size; r < r1; r++) for (let c = 0; c < d; c++) mean[J * d + c] += x[r * d + c];
    for (let c = 0; c < d; c++) mean[J * d + c] /= count[J];
  }
  return { mean, count };
}

export interface LlsaSelection {
  levels: number;
  /** picks[ℓ−1][I]: kept level-ℓ key blocks of level-ℓ query block I (ascending). */
  picks: Int32Array[][];
  /** cands[ℓ−1][I]: level-ℓ key blocks scored for level-ℓ query block I (ascending). */
  cands: Int32Array[][];
  /** Multiply-adds spent scoring. */
  selectMacs: number;
}

const topK = (cands: number[], score: (J: number) => number, k: number): Int32Array =>
  Int32Array.from(
    cands
      .map((J) => [J, score(J)] as const)
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, k)
      .map((x) => x[0])
      .sort((a, b) => a - b),
  );

export function llsaSelect(q: ArrayLike<number>, k: ArrayLike<number>, o: LlsaOpts): LlsaSelection {
  validateLlsa(o);
  const { n, d } = o;
  const L = llsaLevels(n, o.levels);
  const qp: Float64Array[] = [];
  const kp: Float64Array[] = [];
  for (let l = 1; l <= L; l++) {
    qp.push(poolRows(q, n, d, LLSA_B ** l).mean);
    kp.push(poolRows(k, n, d, LLSA_B ** l).mean);
  }
  const nAt = (l: number) => Math.ceil(n / LLSA_B ** l);
  const picks: Int32Array[][] = new Array(L);
  const cands: Int32Array[][] = new Array(L);
  let macs = 0;
  for (let l = L; l >= 1; l--) {
    const nb = nAt(l);
    const Q = qp[l - 1];
    const K = kp[l - 1];
    picks[l - 1] = [];
    cands[l - 1] = [];
    for (let I = 0; I < nb; I++) {
      let c: number[];
      if (l === L) c = Array.from({ length: nb }, (_, J) => J);
      else {
        c = [];
        for (const P of picks[l][Math.floor(I / LLSA_B)])
          for (let J = P * LLSA_B; J < Math.min(nb, (P + 1) * LLSA_B); J++) c.push(J);
      }
      macs += c.length * d;
      const score = (J: number) => {
        let s = 0;
        for (let e = 0; e < d; e++) s += Q[I * d + e] * K[J * d + e];
        return s;
      };
      picks[l - 1].push(topK(c, score, o.k));
      cands[l - 1].push(Int32Array.from(c));
    }
  }
  return { levels: L, picks, cands, selectMacs: macs };
}

export function validateLlsa(o: LlsaOpts): void {
  if (!Number.isInteger(o.k) || o.k < 1) throw new Error(`LLSA K must be a positive integer (got ${o.k})`);
  if (!Number.isInteger(o.levels) || o.levels < 0 || o.levels > 4)
    throw new Error(`LLSA levels must be 0 (auto) to 4 (got ${o.levels})`);
}

/**
 * The key rows and weights each level-1 query block attends to, as indices into the stacked arrays
 * [K; K_1; …; K_L] (tokens first, then each level's pooled rows) with a log-weight per stacked row.
 */
export interface LlsaLists {
  /** Per level-1 query block: stacked row ids. */
  rows: Int32Array[];
  /** Offset of level ℓ's pooled rows in the stack (index ℓ; index 0 = 0 for the tokens). */
  offsets: number[];
  /** log(weight) per stacked row: 0 for tokens, log(token count) for pooled rows. */
  logw: Float64Array;
  stackRows: number;
}

export function llsaLists(sel: LlsaSelection, o: LlsaOpts): LlsaLists {
  const { n } = o;
  const L = sel.levels;
  const offsets = [0];
  let total = n;
  for (let l = 1; l <= L; l++) {
    offsets.push(total);
    total += Math.ceil(n / LLSA_B ** l);
  }
  const logw = new Float64Array(total);
  for (let l = 1; l <= L; l++) {
    const size = LLSA_B ** l;
    const nb = Math.ceil(n / size);
    for (let J = 0; J < nb; J++) logw[offsets[l] + J] = Math.log(Math.min(n, (J + 1) * size) - J * size);
  }
  const n1 = Math.ceil(n / LLSA_B);
  const rows: Int32Array[] = [];
  for (let I = 0; I < n1; I++) {
    const r: number[] = [];
    for (const J of sel.picks[0][I])
      for (let j = J * LLSA_B; j < Math.min(n, (J + 1) * LLSA_B); j++) r.push(j);
    if (o.enrich !== 'none') {
      for (let l = 1; l <= L; l++) {
        // The level-ℓ block containing this level-1 query block.
        const Il = Math.floor(I / LLSA_B ** (l - 1));
        const picked = new Set(sel.picks[l - 1][Il]);
        for (const J of sel.cands[l - 1][Il])
          if (o.enrich === 'code' || !picked.has(J)) r.push(offsets[l] + J);
      }
    }
    rows.push(Int32Array.from(r));
  }
  return { rows, offsets, logw, stackRows: total };
}

/** Stacked [X; X_1; …; X_L] (rows × d): tokens, then each level's pooled means. */
export function llsaStack(x: ArrayLike<number>, n: number, d: number, levels: number): Float64Array {
  const parts: Float64Array[] = [Float64Array.from(x as ArrayLike<number>)];
  for (let l = 1; l <= levels; l++) parts.push(poolRows(x, n, d, LLSA_B ** l).mean);
  const out = new Float64Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export interface LlsaResult {
  out: Float64Array;
  sel: LlsaSelection;
  lists: LlsaLists;
  /** (query, stacked key) entries attended. */
  entries: number;
}

export function llsaRef(
  q: ArrayLike<number>,
  k: ArrayLike<number>,
  v: ArrayLike<number>,
  o: LlsaOpts,
): LlsaResult {
  const { n, d } = o;
  if (q.length !== n * d || k.length !== n * d || v.length !== n * d)
    throw new Error(`q, k, v must each be N×d = ${n}×${d}`);
  const sel = llsaSelect(q, k, o);
  const lists = llsaLists(sel, o);
  const ks = llsaStack(k, n, d, sel.levels);
  const vs = llsaStack(v, n, d, sel.levels);
  const out = new Float64Array(n * d);
  const tau = 1 / Math.sqrt(d);
  let entries = 0;
  for (let i = 0; i < n; i++) {
    const rows = lists.rows[Math.floor(i / LLSA_B)];
    const s = new Float64Array(rows.length);
    let mx = Number.NEGATIVE_INFINITY;
    rows.forEach((r, t) => {
      let dot = 0;
      for (let c = 0; c < d; c++) dot += q[i * d + c] * ks[r * d + c];
      s[t] = tau * dot + lists.logw[r];
      mx = Math.max(mx, s[t]);
    });
    let l = 0;
    for (let t = 0; t < rows.length; t++) l += s[t] = Math.exp(s[t] - mx);
    rows.forEach((r, t) => {
      for (let c = 0; c < d; c++) out[i * d + c] += (s[t] / l) * vs[r * d + c];
    });
    entries += rows.length;
  }
  return { out, sel, lists, entries };
}

/** Multiply-adds of flat block top-k selection at block size b: (N/b)²·d. */
export function flatSelectMacs(n: number, d: number, b: number): number {
  return Math.ceil(n / b) ** 2 * d;
}

/** LLSA selection multiply-adds without running it: (N/B^L)²·d + Σ_{ℓ<L} (N/B^ℓ)·K·B·d. */
export function llsaSelectMacs(n: number, d: number, k: number, levels: number): number {
  const L = llsaLevels(n, levels);
  const nAt = (l: number) => Math.ceil(n / LLSA_B ** l);
  let macs = nAt(L) ** 2 * d;
  for (let l = 1; l < L; l++) macs += nAt(l) * Math.min(nAt(l), Math.min(k, nAt(l + 1)) * LLSA_B) * d;
  return macs;
}
