/** An experiment's spec: its fields, their zod schema, defaults and cross-field rules. */
import { z } from 'zod';
import { type Fields, fieldSchema, type Values } from './fields';

export interface Issue {
  field: string;
  message: string;
  /** A cross-field rule's other fields (the codec's repair may adjust one of them instead). */
  fields?: string[];
  /** Informational: a value the user did not set was adjusted to fit theirs; nothing of theirs was dropped. */
  note?: boolean;
}

/** The data-source rule's types (the functions that apply it are in data-rule.ts). */
export interface DataIssue extends Issue {
  /** A required file is missing (the app asks for it) rather than a file that would not be used. */
  missing?: boolean;
}

export interface DataRule {
  /** The field that picks the data source (`data`, `source`); absent when files replace generated inputs. */
  sourceField?: string;
  /** The source value that means "the user's files". */
  fileSource?: string;
  /**
   * Problems with the supplied files (`given`: the file fields that have a file): unused files, each
   * named with the reason; missing required files; files that need another file.
   */
  check(v: Record<string, unknown>, given: ReadonlySet<string>): DataIssue[];
  /** Values the files fix, by field (e.g. attention's n, d, heads from Q's shape). */
  derived?(v: Record<string, unknown>): Record<string, number>;
  /** Fields the chosen source does not use (a generator's settings while your files are the data). */
  ignored?(v: Record<string, unknown>): string[];
}

export interface SpecDef<F extends Fields = Fields> {
  id: string;
  title: string;
  fields: F;
  schema: z.ZodType<Values<F>>;
  defaults: Values<F>;
  /** Cross-field rules (e.g. k ≤ n); each broken rule names the field to blame. */
  rules: (v: Values<F>) => Issue[];
  /** Which inputs come from the user's files (see data-rule.ts); absent for an experiment without files. */
  data?: DataRule;
}

export function defineSpec<const F extends Fields>(opts: {
  id: string;
  title: string;
  fields: F;
  rules?: (v: Values<F>) => Issue[];
  data?: DataRule;
}): SpecDef<F> {
  const shape: Record<string, z.ZodType> = {};
  const defaults: Record<string, unknown> = {};
  for (const [key, f] of Object.entries(opts.fields)) {
    shape[key] = fieldSchema(f);
    defaults[key] = f.default;
  }
  return {
    id: opts.id,
    title: opts.title,
    fields: opts.fields,
    schema: z.object(shape).strict() as unknown as z.ZodType<Values<F>>,
    defaults: defaults as Values<F>,
    rules: opts.rules ?? (() => []),
    data: opts.data,
  };
}

/** Validates a full set of values: schema errors first, then the cross-field rules. */
export function validate<F extends Fields>(
  def: SpecDef<F>,
  values: unknown,
): { ok: true; values: Values<F> } | { ok: false; issues: Issue[] } {
  const parsed = def.schema.safeParse(values);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((i) => ({ field: String(i.path[0] ?? ''), message: i.message })),
    };
  }
  const issues = def.rules(parsed.data);
  return issues.length ? { ok: false, issues } : { ok: true, values: parsed.data };
}
