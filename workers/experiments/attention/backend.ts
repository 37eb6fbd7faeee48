/**
 * The attention runner's backend interface and its CPU implementation: the float64 references, run in
 * row chunks with a yield between them so a cancel lands within ~50 ms. The WebGPU one is backend-gpu.ts.
 */
import type { Qkv } from '../../data/attention-inputs';
import type { GatherParams } from '../../kernels/attention/gather';
import type { WindowParams } from '../../kernels/attention/window';
import { type BlockLists, blockKeys, blockScoresRef } from '../../reference/attention/blocksparse';
import { type AttnResult, attendKeysInto, rangeKeys } from '../../reference/attention/dense';
import { gatherKeys } from '../../reference/attention/gather';
import { type HipOpts, hipMaskRef } from '../../reference/attention/hip';
import { type LinearAttentionOpts, linearAttentionRef } from '../../reference/attention/linear';
import { type LlsaLists, type LlsaOpts, llsaRef } from '../../reference/attention/llsa';
import { type LogLinearOpts, logLinearAttentionRef } from '../../reference/attention/loglinear';
import { type SeaMask, type SeaOpts, seaMaskRef } from '../../reference/attention/sea';
import { type SlaOpts, slaRef } from '../../reference/attention/sla';
import { windowKeys } from '../../reference/attention/window';
import { type Backend, breathe, throwIfCancelled } from '../types';

/** The run's inputs: H×N×d Q, K, V and the causal flag every kernel shares. */
export interface AttnProblem extends Qkv {
  causal: boolean;
}

export interface AttnRun {
  /** H×N×d. */
  out: ArrayLike<number>;
  /** H×N log-sum-exp over the visible keys. */
  lse: ArrayLike<number>;
  /** Kernel time (GPU clock or wall; CPU: wall). */
  ms: number;
}

export interface Timed<T> {
  value: T;
  ms: number;
}

export interface AttnBackend {
  readonly kind: Backend;
  /** When false, kernels run once and report wall time (the sweep needs errors, not timings). */
  timed: boolean;
  /** How `ms` values were measured. */
  readonly timing: string;
  dense(): Promise<AttnRun>;
  window(w: WindowParams): Promise<AttnRun>;
  blockScores(block: number): Promise<Timed<ArrayLike<number>[]>>;
  blockSparse(block: number, lists: BlockLists[]): Promise<AttnRun>;
  hipMasks(o: HipOpts): Promise<Timed<Array<Array<Int32Array | null>>>>;
  gather(g: GatherParams): Promise<AttnRun>;
  seaMask(o: SeaOpts, head: number): Promise<Timed<SeaMask>>;
  linear(o: LinearAttentionOpts, head: number): Promise<Timed<ArrayLike<number>>>;
  /** SLA on one head; `os` and `ol` are its sparse and linear parts before combining. */
  sla(
    o: SlaOpts,
    head: number,
  ): Promise<
    Timed<{ out: ArrayLike<number>; classes: Int32Array; os: ArrayLike<number>; ol: ArrayLike<number> }>
  >;
  logLinear(o: LogLinearOpts, head: number): Promise<Timed<ArrayLike<number>>>;
  /** LLSA on one head: output, the lists attended, selection cost; selection runs on the CPU on both backends. */
  llsa(o: LlsaOpts, head: number): Promise<Timed<LlsaHead>>;
  /** R×C dense attention map per head on the GPU (after dense()); null: compute it on the CPU. */
  map(rows: number, cols: number): Promise<Float32Array | null>;
  destroy(): void;
}

export interface LlsaHead {
  out: ArrayLike<number>;
  lists: LlsaLists;
  picks: Int32Array[];
  selectMacs: number;
  selectMs: number;
}

export const headOf = (x: AttnProblem, a: Float32Array, h: number) =>
  a.subarray(h * x.n * x.d, (h + 1) * x.n * x.d);

async function timedWall<T>(f: () => Promise<T> | T): Promise<Timed<T>> {
  const t0 = performance.now();
  const value = await f();
  return { value, ms: performance.now() - t0 };
}

export function cpuBackend(x: AttnProblem, signal: AbortSignal): AttnBackend {
  const { heads, n, d } = x;
  /** Attention of every head with per-head key lists, in chunks of rows sized to ~20 ms of work. */
  async function attend(keysOf: (h: number, i: number) => ArrayLike<number>): Promise<AttnRun> {
    const t0 = performance.now();
    const out = new Float64Array(heads * n * d);
    const lse = new Float64Array(heads * n);
    for (let h = 0; h < heads; h++) {
      const r: AttnResult = {
        out: out.subarray(h * n * d, (h + 1) * n * d),
        lse: lse.subarray(h * n, (h + 1) * n),
      };
      const [q, k, v] = [headOf(x, x.q, h), headOf(x, x.k, h), headOf(x, x.v, h)];
      let i = 0;
      while (i < n) {
        const t1 = performance.now();
        let to = i;
        while (to < n && performance.now() - t1 < 20) {
          const end = Math.min(n, to + 8);
          attendKeysInto(r, q, k, v, d, (row) => keysOf(h, row), to, end);
          to = end;
        }
        i = to;
        await breathe(signal);
      }
    }
    return { out, lse, ms: performance.now() - t0 };
  }
  const upTo = rangeKeys(n);
  const perHead = async <T>(
    f: (q: Float32Array, k: Float32Array, v: Float32Array) => T,
    head: number,
  ): Promise<Timed<T>> => {
    throwIfCancelled(signal);
    const r = await timedWall(() => f(headOf(x, x.q, head), headOf(x, x.k, head), headOf(x, x.v, head)));
    await breathe(signal);
    return r;
  };
  return {
    kind: 'cpu',
    timed: true,
    timing: 'CPU wall time (float64 reference)',
    dense: () => attend((_, i) => upTo(x.causal ? i + 1 : n)),
    window: (w) => attend((_, i) => windowKeys({ n, d, causal: x.causal, ...w }, i)),
    async blockScores(block) {
      const t0 = performance.now();
      const value: Float64Array[] = [];
      for (let h = 0; h < heads; h++) {
        value.push(blockScoresRef(headOf(x, x.q, h), headOf(x, x.k, h), { n, d, causal: x.causal, block }));
        await breathe(signal);
      }
      return { value, ms: performance.now() - t0 };
    },
    blockSparse: (block, lists) => attend((h, i) => blockKeys(lists[h], block, n, x.causal, i)),
    async hipMasks(o) {
      const t0 = performance.now();
      const value: Array<Array<Int32Array | null>> = [];
      for (let h = 0; h < heads; h++) {
        value.push(hipMaskRef(headOf(x, x.q, h), headOf(x, x.k, h), o));
        await breathe(signal);
      }
      return { value, ms: performance.now() - t0 };
    },
    gather(g) {
      const o = { n, d, causal: x.causal, window: g.window, words: g.words };
      return attend((h, i) =>
        gatherKeys(
          o,
          g.perHead[h],
          g.bits ? g.bits.subarray(h * n * g.words, (h + 1) * n * g.words) : null,
          i,
        ),
      );
    },
    seaMask: (o, head) => perHead((q, k) => seaMaskRef(q, k, o), head),
    linear: (o, head) => perHead((q, k, v) => linearAttentionRef(q, k, v, o), head),
    sla: (o, head) => perHead((q, k, v) => slaRef(q, k, v, o), head),
    logLinear: (o, head) => perHead((q, k, v) => logLinearAttentionRef(q, k, v, o), head),
    llsa: (o, head) =>
      perHead((q, k, v) => {
        const r = llsaRef(q, k, v, o);
        return {
          out: r.out,
          lists: r.lists,
          picks: r.sel.picks[0],
          selectMacs: r.sel.selectMacs,
          selectMs: 0,
        };
      }, head),
    map: async () => null,
    destroy() {},
  };
}
