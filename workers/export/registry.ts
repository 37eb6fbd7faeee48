/**
 * Python exporters by experiment id. A lab adds its exporter in one file (workers/export/<lab>.ts) and one
 * line here; registry.test.ts fails for any experiment in workers/experiments/registry.ts without one.
 */
import { UserError } from '../experiments/types';
import { attentionExporter } from './attention';
import { matmulExporter } from './matmul';
import { pruningExporter } from './pruning';
import { regressionExporter } from './regression';
import { saeExporter } from './sae';
import type { ExportFolder, ExportRequest, PythonExporter } from './types';

export const exporters: Record<string, PythonExporter> = {
  attention: attentionExporter,
  matmul: matmulExporter,
  pruning: pruningExporter,
  regression: regressionExporter,
  sae: saeExporter,
};

export function exporterFor(id: string): PythonExporter | undefined {
  return Object.hasOwn(exporters, id) ? exporters[id] : undefined;
}

/** The run as a Python folder; a clear error when its experiment has no exporter. */
export async function exportPython(req: ExportRequest): Promise<ExportFolder> {
  const e = exporterFor(req.result.experiment);
  if (!e) throw new UserError(`"Export → Python" is not available for ${req.result.experiment} yet`);
  return e.export(req);
}
