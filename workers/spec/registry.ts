/** Every experiment's spec, by the id its URLs use (`#/<id>?…`). Pure data: the app imports this. */
import { attentionSpec } from './attention';
import type { SpecDef } from './define';
import { matmulSpec } from './matmul';
import { pruningSpec } from './pruning';
import { regressionSpec } from './regression';
import { saeSpec } from './sae';

export const specs: Record<string, SpecDef> = {
  [attentionSpec.id]: attentionSpec as unknown as SpecDef,
  [matmulSpec.id]: matmulSpec as unknown as SpecDef,
  [pruningSpec.id]: pruningSpec as unknown as SpecDef,
  [regressionSpec.id]: regressionSpec as unknown as SpecDef,
  [saeSpec.id]: saeSpec as unknown as SpecDef,
};

export function specFor(id: string): SpecDef | undefined {
  return Object.hasOwn(specs, id) ? specs[id] : undefined;
}
