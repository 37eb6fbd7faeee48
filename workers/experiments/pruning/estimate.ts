/**
 * Pruning work and memory, upper-bound style. One layer (out × in weights, T calibration + held-out tokens):
 * the Gram matrix XᵀX (2·T·in²), SparseGPT's Cholesky and blocked updates (in³ + 8·out·in²), every error
 * evaluation (2·T·in·out, a few of them), and K-SVD / DSnoT passes (bounded by 64·out·in² for the iterative
 * methods); a sweep runs every method at ~13 settings. The digits network: epochs × 1,797 samples × the MLP's
 * 6·(64·h + 10·h) forward/backward FLOPs, times the schedules and soup ingredients of the training study.
 * Bytes: 8·(8·out·in + T·in + 2·in²) for a layer (float64 copies of W, masks, Hessian, X).
 */
import type { NdArray } from '../../core/ndarray';
import type { Estimate } from '../estimate-types';
import type { Backend } from '../types';

const DIGITS_SAMPLES = 1797;
const DIGITS_INPUTS = 64;

export function estimatePruning(
  v: Record<string, unknown>,
  _backend: Backend,
  data: Record<string, NdArray>,
): Estimate {
  const study = String(v.study);
  if (v.data === 'digits_mlp' || study === 'training') {
    const h = Number(v.hidden);
    const epochs = Number(v.epochs);
    const perEpoch = DIGITS_SAMPLES * 6 * (DIGITS_INPUTS * h + 10 * h);
    const runs = study === 'training' ? 4 + Number(v.soupSize) : study === 'sweep' ? 14 : 2;
    const pruneLayer = (o: number, i: number) => 2 * DIGITS_SAMPLES * i * i + i ** 3 + 72 * o * i * i;
    return {
      flops: runs * epochs * perEpoch + 13 * (pruneLayer(h, DIGITS_INPUTS) + pruneLayer(10, h)),
      bytes: 8 * (DIGITS_SAMPLES * DIGITS_INPUTS * 3 + 8 * (DIGITS_INPUTS * h + h * 10) * (runs + 1)),
      detail: `the digits MLP (hidden ${h}), ${runs} training run(s) of ${epochs} epochs and its layers pruned`,
    };
  }
  const out = data.W?.shape[0] ?? Number(v.rows);
  const inp = data.W?.shape[1] ?? Number(v.cols);
  const T = data.X?.shape[0] ?? Number(v.tokens) + Number(v.heldTokens);
  const layer = 2 * T * inp * inp + inp ** 3 + 8 * out * inp * inp + 8 * T * inp * out + 64 * out * inp * inp;
  const settings = study === 'sweep' ? 6 * 13 : 1;
  return {
    flops: settings * layer,
    bytes: 8 * (8 * out * inp + T * inp + 2 * inp * inp),
    detail: `a ${out}×${inp} layer with ${T} tokens${settings > 1 ? `, every method at ${13} settings` : ''}`,
  };
}
