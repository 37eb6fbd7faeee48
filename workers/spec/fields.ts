/**
 * Field descriptors: the one place an experiment parameter is defined. The zod schema, the panel's
 * controls, the URL codec, the CLI's input and the validation messages are all derived from these.
 */
import { z } from 'zod';

interface FieldBase {
  label: string;
  help?: string;
  /** One of the few controls an embed (`embed=1`) keeps beside the visualisation. */
  primary?: boolean;
  /** Control group in the panel. */
  group?: string;
  /** Shown (and validated) only when this returns true for the current values. */
  show?: (values: Record<string, unknown>) => boolean;
}

export interface NumberField extends FieldBase {
  kind: 'number';
  default: number;
  min: number;
  max: number;
  int?: boolean;
  step?: number;
  unit?: string;
  /** Slider on a log scale. */
  log?: boolean;
}

export interface EnumField<O extends string = string> extends FieldBase {
  kind: 'enum';
  default: O;
  options: readonly O[];
  optionLabels?: Partial<Record<O, string>>;
  /**
   * The label of an option on a given backend, when what runs differs by backend (e.g. a path solved by
   * FISTA on WebGPU and by coordinate descent on the CPU); undefined falls back to `optionLabels`.
   */
  optionLabelOn?(option: O, backend: 'webgpu' | 'cpu'): string | undefined;
  /** The docs/methods.md anchor of each option's method (the control links "Method notes" there). */
  optionDocs?: Partial<Record<O, string>>;
}

export interface BoolField extends FieldBase {
  kind: 'bool';
  default: boolean;
}

/** A user's data file, referred to by name, shape and SHA-256 so a shared link can ask for it again. */
export interface FileRef {
  name: string;
  shape: number[];
  sha256: string;
}

export interface FileField extends FieldBase {
  kind: 'file';
  default: null;
}

/** A short free-text value checked by a pattern (e.g. `cosine:0.99`, `sla,window,auto`). */
export interface TextField extends FieldBase {
  kind: 'text';
  default: string;
  /** The whole value must match (anchor it). */
  pattern: RegExp;
  /** What the pattern accepts, in words (for messages). */
  expects: string;
  maxLength: number;
  placeholder?: string;
}

export type Field = NumberField | EnumField | BoolField | FileField | TextField;
export type Fields = Record<string, Field>;

export type ValueOf<F> = F extends NumberField
  ? number
  : F extends EnumField<infer O>
    ? O
    : F extends BoolField
      ? boolean
      : F extends FileField
        ? FileRef | null
        : F extends TextField
          ? string
          : never;

export type Values<F extends Fields> = { [K in keyof F]: ValueOf<F[K]> };

export const num = (f: Omit<NumberField, 'kind'>): NumberField => ({ kind: 'number', ...f });
export const bool = (f: Omit<BoolField, 'kind'>): BoolField => ({ kind: 'bool', ...f });
export const file = (f: Omit<FileField, 'kind' | 'default'>): FileField => ({
  kind: 'file',
  default: null,
  ...f,
});
export const text = (f: Omit<TextField, 'kind'>): TextField => ({ kind: 'text', ...f });
export function choice<const O extends string>(
  options: readonly O[],
  f: Omit<EnumField<O>, 'kind' | 'options'>,
): EnumField<O> {
  return { kind: 'enum', options, ...f };
}

const fileRefSchema = z
  .object({
    name: z.string().min(1).max(200),
    shape: z.array(z.number().int().min(0).max(1e9)).min(1).max(4),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a 64-digit hex SHA-256'),
  })
  .strict();

export function fieldSchema(f: Field): z.ZodType {
  switch (f.kind) {
    case 'number': {
      let s = z.number().finite().min(f.min).max(f.max);
      if (f.int) s = s.int();
      return s;
    }
    case 'enum':
      return z.enum(f.options as [string, ...string[]]);
    case 'bool':
      return z.boolean();
    case 'file':
      return fileRefSchema.nullable();
    case 'text':
      return z.string().max(f.maxLength).regex(f.pattern, f.expects);
  }
}

/** A readable sentence of what a field accepts, for messages and help. */
export function describeField(f: Field): string {
  switch (f.kind) {
    case 'number':
      return `${f.int ? 'an integer' : 'a number'} from ${f.min} to ${f.max}${f.unit ? ` ${f.unit}` : ''}`;
    case 'enum':
      return `one of ${f.options.join(', ')}`;
    case 'bool':
      return '0 or 1';
    case 'file':
      return 'a data file reference';
    case 'text':
      return f.expects;
  }
}
