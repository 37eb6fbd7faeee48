/**
 * The training loop shared by both backends: seeded batches, metrics every `metricsEvery` steps (the only
 * read-backs on the GPU), dead-latent counts and, on toy data, recovery of the true features over steps.
 * Checks the cancel signal between steps and yields every ~30 ms so a cancel lands quickly.
 */
import { BatchSampler, type SaeDataset } from '../../data/sae-sources';
import type { ToyData } from '../../data/sae-toy';
import { recovery } from '../../reference/sae/metrics';
import { breathe, type RunContext, throwIfCancelled } from '../types';
import { currentAtoms, type SaeTrainer } from './backends';

export interface HistoryPoint {
  step: number;
  /** Normalised MSE ‖x − x̂‖²/v on the training batches. */
  rec: number;
  sparsity: number;
  aux: number;
  total: number;
  l0: number;
  /** 1 − NMSE: explained variance of the training batches. */
  ev: number;
  /** Latents silent for the dead window. */
  dead: number;
  mmcs?: number;
  recovered?: number;
}

export interface StepProbe {
  at: number[];
  before(step: number): Promise<void>;
  after(step: number, rows: Uint32Array): Promise<void>;
}

/** Recovery is tracked live while it costs little (latents × features × d multiply-adds). */
const LIVE_RECOVERY_MAX = 2e7;

export async function trainLoop(
  t: SaeTrainer,
  ds: SaeDataset,
  o: { steps: number; batch: number; metricsEvery: number; seed: number },
  ctx: RunContext,
  toy: ToyData | undefined,
  onMetrics: (history: HistoryPoint[], done: number) => void,
  /** Called around the steps in `at` (parity: repeat that step on the CPU from the same state). */
  probe?: StepProbe,
): Promise<{ history: HistoryPoint[]; ms: number }> {
  const sampler = new BatchSampler(ds.nTrain, o.batch, o.seed);
  const rows = new Uint32Array(o.batch);
  const history: HistoryPoint[] = [];
  const liveRecovery =
    toy !== undefined && t.c.m * t.c.d <= LIVE_RECOVERY_MAX && t.c.m * toy.nFeatures <= LIVE_RECOVERY_MAX;
  const gate = ctx.pauseGate;
  const t0 = performance.now();
  let lastYield = t0;
  for (let step = 0; step < o.steps; step++) {
    throwIfCancelled(ctx.signal);
    if (gate) await gate();
    const batch = sampler.next(rows);
    const probed = probe?.at.includes(step) === true;
    if (probed) await probe?.before(step);
    t.step(batch);
    if (probed) await probe?.after(step, batch);
    const last = step === o.steps - 1;
    if ((step + 1) % o.metricsEvery === 0 || last) {
      const a = await t.metrics();
      const since = await t.since();
      let dead = 0;
      for (let i = 0; i < t.c.m; i++) if (since[i] >= t.c.deadSamples) dead++;
      const pt: HistoryPoint = {
        step: step + 1,
        rec: a.rec,
        sparsity: a.sparsity,
        aux: a.aux,
        total: a.total,
        l0: a.l0,
        ev: 1 - a.rec,
        dead,
      };
      if (liveRecovery && toy) {
        const r = recovery(await currentAtoms(t), t.c.m, toy.features, toy.nFeatures, toy.d);
        pt.mmcs = r.mmcs;
        pt.recovered = r.recovered;
      }
      history.push(pt);
      onMetrics(history, step + 1);
      await breathe(ctx.signal);
      lastYield = performance.now();
    } else if (step % 16 === 15 || performance.now() - lastYield > 30) {
      await t.settle();
      if (performance.now() - lastYield > 30) {
        await breathe(ctx.signal);
        lastYield = performance.now();
      }
    }
  }
  await t.settle();
  return { history, ms: performance.now() - t0 };
}

/** At most `max` points, always keeping the first and the last. */
export function thin<T>(xs: T[], max: number): T[] {
  if (xs.length <= max) return xs;
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(xs[Math.round((i * (xs.length - 1)) / (max - 1))]);
  return out;
}
