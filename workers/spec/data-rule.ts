/**
 * The data-source rule: which of an experiment's inputs come from the user's files. Each lab defines its
 * rule once, beside its spec (`data` in `defineSpec`); the CLI, the app's store and run controller, and the
 * runner apply the same functions from here, so the same files and fields give the same outcome everywhere.
 *
 * - Supplying a file selects the file source (`select`), unless the source was chosen explicitly.
 * - A file the chosen study or source would not use is an error naming the file and why (`dataIssues`).
 * - A required file that is missing is an error (`missing: true`: the app asks for the file).
 * - Values the files fix (N, d, heads from Q's shape…) are `derived`: shown read-only, recorded at their
 *   defaults (so a share link or result.json holds only what the run used).
 */
import type { DataIssue, SpecDef } from './define';

// The rule's types live beside SpecDef (define.ts), so that define.ts does not import this file back.
export type { DataIssue, DataRule } from './define';

import type { FileRef } from './fields';

type V = Record<string, unknown>;

/** `X (X.npy)` from a file field and its reference, or just the field when no reference is known. */
export function fileLabel(v: V, key: string): string {
  const r = v[key] as FileRef | null | undefined;
  return r?.name ? `${key} (${r.name})` : key;
}

/** One issue per required file that was not given (`missing`: the app asks for it), each with its own message. */
export function missingFiles(
  given: ReadonlySet<string>,
  required: ReadonlyArray<readonly [string, string]>,
): DataIssue[] {
  return required
    .filter(([k]) => !given.has(k))
    .map(([k, message]) => ({ field: k, missing: true, message }));
}

/** One issue per given file among `keys`, each naming the file, with the same reason. */
export function unusedFiles(v: V, given: ReadonlySet<string>, keys: string[], why: string): DataIssue[] {
  return keys
    .filter((k) => given.has(k))
    .map((k) => ({ field: k, message: `${fileLabel(v, k)} is not used: ${why}` }));
}

export function fileFields(def: SpecDef): string[] {
  return Object.entries(def.fields)
    .filter(([, f]) => f.kind === 'file')
    .map(([k]) => k);
}

/** The file fields whose value names a file. */
export function filesNamed(def: SpecDef, v: V): Set<string> {
  return new Set(fileFields(def).filter((k) => v[k] !== null && v[k] !== undefined));
}

/**
 * Supplying a file selects the file source. `explicit` are the fields the user set (in a link or a
 * spec.json): an explicitly chosen other source is kept, and `dataIssues` then names the unused file.
 */
export function selectFileSource(
  def: SpecDef,
  v: V,
  given: ReadonlySet<string>,
  explicit?: ReadonlySet<string>,
): V {
  const rule = def.data;
  if (!rule?.sourceField || rule.fileSource === undefined || given.size === 0) return v;
  if (v[rule.sourceField] === rule.fileSource) return v;
  if (explicit?.has(rule.sourceField)) return v;
  return { ...v, [rule.sourceField]: rule.fileSource };
}

/** The data problems of a spec whose `given` file fields have files (none for a spec without a rule). */
export function dataIssues(def: SpecDef, v: V, given: ReadonlySet<string>): DataIssue[] {
  const known = new Set(fileFields(def));
  const issues: DataIssue[] = [];
  for (const k of given) {
    if (!known.has(k))
      issues.push({
        field: k,
        message: `${def.id} takes no data named "${k}"${known.size ? ` (it takes: ${[...known].join(', ')})` : ''}`,
      });
  }
  return [...issues, ...(def.data?.check(v, given) ?? [])];
}

/** The values the files fix (read-only in the app). */
export function derivedValues(def: SpecDef, v: V): Record<string, number> {
  return def.data?.derived?.(v) ?? {};
}

/** Fields the chosen source does not use (hidden in the page; a note in the CLI when a link sets them). */
export function ignoredFields(def: SpecDef, v: V): string[] {
  return def.data?.ignored?.(v) ?? [];
}

/**
 * What the run used: values fixed by the files and settings the source does not use go back to their
 * defaults, so a share link omits them. (Files the source would not use never reach a run: the runner
 * refuses them, and the page names them.)
 */
export function usedValues(def: SpecDef, v: V): V {
  const out = { ...v };
  for (const k of [...Object.keys(derivedValues(def, v)), ...ignoredFields(def, v)])
    out[k] = (def.defaults as V)[k];
  return out;
}

/**
 * The app's edit of one field: switching the source away from the user's files drops the files (and so
 * their names from the URL). Returns the new values and the file fields to detach.
 */
export function editValue(def: SpecDef, v: V, key: string, value: unknown): { values: V; drop: string[] } {
  const values = { ...v, [key]: value };
  const rule = def.data;
  if (!rule?.sourceField || key !== rule.sourceField) return { values, drop: [] };
  if (v[key] !== rule.fileSource || value === rule.fileSource) return { values, drop: [] };
  const drop = fileFields(def);
  for (const k of drop) values[k] = null;
  return { values, drop };
}

/** The shape of a file field's reference, or null. */
export function shapeOf(v: V, key: string): number[] | null {
  const r = v[key] as FileRef | null | undefined;
  return r?.shape ?? null;
}
