/** The GPU half of a pruning run (filled in with the kernels). */
import type { GpuContext } from '../../gpu/device';
import type { Pattern } from '../../reference/pruning/select';
import type { PruningValues } from '../../spec/pruning';
import type { Parity } from '../types';
import type { Layer } from './data';
import type { MethodEntry, MethodRun } from './methods';
import type { KernelView, StageRecord } from './views-data';

export async function runGpuStages(
  _gpu: GpuContext,
  _entry: MethodEntry,
  _L: Layer,
  _p: Pattern,
  _res: MethodRun,
  _v: PruningValues,
): Promise<{ stages: StageRecord[]; metrics: Record<string, number>; kernel?: KernelView; parity?: Parity }> {
  return { stages: [], metrics: {}, parity: { status: 'skipped', reason: 'no GPU kernels yet' } };
}
