/** The metrics table rows of the views: labels, units and what each number means. */
import { round } from './metrics';
import type { MetricRowData } from './views-data';

const ROWS: Array<[string, string, string?, string?]> = [
  ['relL2', 'Relative L2 error', undefined, '‖O − O_dense‖ / ‖O_dense‖ over all heads'],
  ['cosine', 'Cosine similarity', undefined, 'of the flattened output with dense'],
  [
    'massRecall',
    'Attention-mass recall',
    undefined,
    'mean over queries of the dense attention mass inside the exact (critical) part of the mask',
  ],
  ['keptMass', 'Mass not skipped', undefined, 'SLA: dense mass in critical + marginal blocks'],
  ['sparsity', 'Sparsity', undefined, '1 − exactly attended (query, key) pairs / dense pairs'],
  ['blocksKept', 'Blocks kept', undefined, 'kept key blocks / visible key blocks (forced ones included)'],
  [
    'blocksForced',
    'Blocks forced by the guard',
    undefined,
    'not self-similar: computed whatever their score',
  ],
  [
    'hipTopkRecall',
    'HiP recall of exact top-k',
    undefined,
    'share of the true top-K′ key blocks (same score) the greedy tree search found',
  ],
  [
    'flopFraction',
    'Fraction of dense FLOPs',
    undefined,
    'attention plus mask selection / estimate, against dense',
  ],
  ['kernelMs', 'Kernel time', 'ms', 'the method’s attention kernel(s)'],
  ['selectMs', 'Selection time', 'ms', 'mask search, block scores or estimate (incl. read-back)'],
  ['denseMs', 'Dense kernel time', 'ms', 'flash attention on the same data and adapter'],
  ['speedup', 'Speed-up vs dense', '×', 'dense time / (kernel + selection time)'],
  ['maxRowError', 'Worst query row error', undefined, 'max over queries of ‖o_i − d_i‖ / ‖d_i‖'],
  ['features', 'Feature dim F', undefined, 'width of φ(x)'],
  [
    'llsaRecall',
    'LLSA recall of dense mass',
    undefined,
    'mean dense mass in the K picked 16-token blocks (sampled queries)',
  ],
  [
    'llsaOracleRecall',
    'Oracle top-K mass',
    undefined,
    'mass in the K heaviest 16-token blocks by the dense weights',
  ],
  [
    'flatRecall',
    'Flat top-K mass',
    undefined,
    'mass in the K best 16-token blocks by pooled score over all blocks',
  ],
  ['llsaSelectMacs', 'LLSA selection MACs', undefined, 'hierarchical top-k scoring, per head'],
  ['flatSelectMacs', 'Flat top-k selection MACs', undefined, '(N/16)²·d per head'],
  [
    'heldOutRelL2',
    'Held-out relative L2 error',
    undefined,
    'SLA: over the rows not used to fit the projection',
  ],
  [
    'slaHeldOutZero',
    'SLA held-out error, Proj = 0',
    undefined,
    'sparse part alone (the paper’s initialisation)',
  ],
  [
    'slaHeldOutIdentity',
    'SLA held-out error, Proj = I',
    undefined,
    'untrained linear branch added at full weight',
  ],
  [
    'slaHeldOutFitted',
    'SLA held-out error, fitted Proj',
    undefined,
    'ridge fit per head on calibration rows',
  ],
  [
    'slaHeldOutFittedShared',
    'SLA held-out error, fitted shared Proj',
    undefined,
    'one fit shared by all heads (the paper has one Proj per layer)',
  ],
];

export function metricTable(metrics: Record<string, number>, timing: string): MetricRowData[] {
  const rows: MetricRowData[] = [];
  for (const [key, label, unit, hint] of ROWS) {
    if (!(key in metrics)) continue;
    const hintText = unit === 'ms' ? `${hint}; ${timing}` : hint;
    rows.push({ label, value: round(metrics[key]), unit, hint: hintText });
  }
  return rows;
}
