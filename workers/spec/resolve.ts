/** From a share URL (or hash, or query) to an experiment's spec and the issues found on the way. */
import type { Issue, SpecDef } from './define';
import { specFor, specs } from './registry';
import { decodeParams, type Meta, parseLocation } from './url';

export interface Resolved {
  def: SpecDef;
  values: Record<string, unknown>;
  issues: Issue[];
  meta: Meta;
  /** The fields the link set. */
  explicit: string[];
}

export function resolveLocation(input: string, fallbackId?: string): Resolved | { error: string } {
  const { route, params } = parseLocation(input);
  const id = route ?? fallbackId;
  if (!id)
    return {
      error: `the link names no experiment; use #/<experiment>?… with one of: ${Object.keys(specs).join(', ')}`,
    };
  const def = specFor(id);
  if (!def)
    return { error: `unknown experiment "${id.slice(0, 40)}"; known: ${Object.keys(specs).join(', ')}` };
  const { values, issues, meta, explicit } = decodeParams(def, params);
  return { def, values: values as Record<string, unknown>, issues, meta, explicit };
}
