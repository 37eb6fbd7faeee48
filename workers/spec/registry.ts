/** Every experiment's spec, by the id its URLs use (`#/<id>?…`). Pure data: the app imports this. */
import type { SpecDef } from './define';
import { matmulSpec } from './matmul';

export const specs: Record<string, SpecDef> = {
  [matmulSpec.id]: matmulSpec as unknown as SpecDef,
};

export function specFor(id: string): SpecDef | undefined {
  return Object.hasOwn(specs, id) ? specs[id] : undefined;
}
