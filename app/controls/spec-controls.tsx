/** The panel's controls, generated from the experiment's spec: one control per visible field. */
import { useEffect, useId, useState } from 'react';
import { derivedValues } from '../../workers/spec/data-rule';
import { describeField, type Field, fieldSchema, type NumberField } from '../../workers/spec/fields';
import { specFor } from '../../workers/spec/registry';
import { MethodNotes } from '../shell/method-notes';
import { useLab } from '../store/context';
import { FileSlot } from './file-slot';

const list = (s: string | undefined) => new Set((s ?? '').split(',').filter(Boolean));

/** `embed`: only the few primary controls (or the first three), inline, for an iframe. */
export function SpecControls({ embed = false }: { embed?: boolean }) {
  const experiment = useLab((s) => s.experiment);
  const values = useLab((s) => s.values);
  const meta = useLab((s) => s.meta);
  const setValue = useLab((s) => s.setValue);
  const backend = useLab((s) => s.backend);
  const def = specFor(experiment);
  if (!def) return null;
  const locked = list(meta.lock);
  const hidden = list(meta.hide);
  // Values your files fix (N, d, heads from Q's shape…): shown read-only with the value the run uses.
  const derived = derivedValues(def, values);
  const control = ([key, f]: [string, Field]) =>
    key in derived ? (
      <Derived key={key} name={key} field={f} value={derived[key]} />
    ) : (
      <Control
        key={key}
        name={key}
        field={f}
        value={values[key]}
        locked={
          locked.has(key) ||
          // A file selects the source: locking the source locks the files too.
          (f.kind === 'file' && !!def.data?.sourceField && locked.has(def.data.sourceField))
        }
        backend={backend}
        onChange={(v) => setValue(key, v)}
      />
    );
  const visible = Object.entries(def.fields).filter(
    ([key, f]) => !hidden.has(key) && (key in derived || !(f.show && !f.show(values))),
  );
  if (embed) {
    const primary = visible.filter(([, f]) => f.primary);
    const few = (primary.length ? primary : visible.filter(([, f]) => f.kind !== 'file')).slice(0, 3);
    return (
      <form
        className="embed-controls"
        onSubmit={(e) => e.preventDefault()}
        aria-label={`${def.title} key parameters`}
      >
        {few.map(control)}
      </form>
    );
  }
  const groups = new Map<string, Array<[string, Field]>>();
  for (const [key, f] of visible) {
    const g = f.group ?? 'Parameters';
    groups.set(g, [...(groups.get(g) ?? []), [key, f]]);
  }
  return (
    <form className="controls" onSubmit={(e) => e.preventDefault()} aria-label={`${def.title} parameters`}>
      {[...groups].map(([group, fields]) => (
        <fieldset key={group}>
          <legend>{group}</legend>
          {fields.map(control)}
        </fieldset>
      ))}
    </form>
  );
}

/** A value your files fix: read-only, the value the run uses. */
function Derived({ name, field, value }: { name: string; field: Field; value: number }) {
  const id = useId();
  return (
    <div className="control control-derived" data-field={name} data-derived="">
      <label htmlFor={id}>{field.label}</label>
      <input id={id} type="text" readOnly value={String(value)} aria-describedby={`${id}-from`} />
      <small id={`${id}-from`}>From your files: the run uses this value.</small>
    </div>
  );
}

interface ControlProps {
  name: string;
  field: Field;
  value: unknown;
  locked: boolean;
  /** The backend the lab runs on: option labels name what runs there. */
  backend: 'webgpu' | 'cpu';
  onChange(v: unknown): void;
}

function Control({ name, field, value, locked, backend, onChange }: ControlProps) {
  const id = useId();
  const help = field.help ? <small id={`${id}-help`}>{field.help}</small> : null;
  const described = field.help ? `${id}-help` : undefined;
  const lockNote = locked ? (
    <span className="lock" title="Locked by the link">
      🔒
    </span>
  ) : null;
  switch (field.kind) {
    case 'number':
      return (
        <div className="control" data-field={name}>
          <label htmlFor={id}>
            {field.label}
            {field.unit ? <span className="unit"> ({field.unit})</span> : null} {lockNote}
          </label>
          <NumberControl
            id={id}
            field={field}
            value={value as number}
            disabled={locked}
            onChange={onChange}
            described={described}
          />
          {help}
        </div>
      );
    case 'enum':
      return (
        <div className="control" data-field={name}>
          <label htmlFor={id}>
            {field.label} {lockNote}
          </label>
          <select
            id={id}
            value={String(value)}
            disabled={locked}
            aria-describedby={described}
            onChange={(e) => onChange(e.target.value)}
          >
            {field.options.map((o) => (
              <option key={o} value={o}>
                {field.optionLabelOn?.(o, backend) ?? field.optionLabels?.[o] ?? o}
              </option>
            ))}
          </select>
          {field.optionDocs?.[value as string] ? (
            <MethodNotes anchor={field.optionDocs[value as string]} />
          ) : null}
          {help}
        </div>
      );
    case 'bool':
      return (
        <div className="control control-bool" data-field={name}>
          <input
            id={id}
            type="checkbox"
            checked={Boolean(value)}
            disabled={locked}
            aria-describedby={described}
            onChange={(e) => onChange(e.target.checked)}
          />
          <label htmlFor={id}>
            {field.label} {lockNote}
          </label>
          {help}
        </div>
      );
    case 'file':
      return <FileSlot name={name} field={field} locked={locked} />;
    case 'text':
      return (
        <div className="control" data-field={name}>
          <label htmlFor={id}>
            {field.label} {lockNote}
          </label>
          <TextControl
            id={id}
            value={String(value)}
            placeholder={field.placeholder}
            pattern={field.pattern}
            maxLength={field.maxLength}
            disabled={locked}
            described={described}
            onChange={onChange}
          />
          {help}
        </div>
      );
  }
}

/** Free text committed on Enter or blur, only when it matches the field's pattern (otherwise marked invalid). */
function TextControl(props: {
  id: string;
  value: string;
  placeholder?: string;
  pattern: RegExp;
  maxLength: number;
  disabled: boolean;
  described?: string;
  onChange: (v: unknown) => void;
}) {
  const [draft, setDraft] = useState(props.value);
  const [shown, setShown] = useState(props.value);
  if (shown !== props.value) {
    setShown(props.value);
    setDraft(props.value);
  }
  const ok = props.pattern.test(draft);
  const commit = () => {
    if (ok && draft !== props.value) props.onChange(draft);
  };
  return (
    <input
      id={props.id}
      type="text"
      value={draft}
      placeholder={props.placeholder}
      maxLength={props.maxLength}
      disabled={props.disabled}
      aria-invalid={!ok}
      aria-describedby={props.described}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
      }}
    />
  );
}

function toSlider(f: NumberField, v: number): number {
  if (!f.log) return v;
  const lo = Math.log(Math.max(f.min, 1e-12));
  return ((Math.log(Math.max(v, f.min, 1e-12)) - lo) / (Math.log(f.max) - lo)) * 1000;
}

function fromSlider(f: NumberField, s: number): number {
  let v = s;
  if (f.log) {
    const lo = Math.log(Math.max(f.min, 1e-12));
    v = Math.exp(lo + (s / 1000) * (Math.log(f.max) - lo));
    v = Number(v.toPrecision(3));
  }
  if (f.int) v = Math.round(v);
  return Math.min(f.max, Math.max(f.min, v));
}

function NumberControl(props: {
  id: string;
  field: NumberField;
  value: number;
  disabled: boolean;
  described?: string;
  onChange(v: number): void;
}) {
  const { field: f, value } = props;
  const [draft, setDraft] = useState(String(value));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setDraft(String(value));
    setError(null);
  }, [value]);
  const commit = (text: string) => {
    const v = Number(text);
    if (text.trim() === '' || !fieldSchema(f).safeParse(v).success) {
      setError(`${f.label} must be ${describeField(f)}`);
      return;
    }
    setError(null);
    if (v !== value) props.onChange(v);
  };
  return (
    <div className="number-control">
      <input
        type="range"
        aria-label={`${f.label} slider`}
        min={f.log ? 0 : f.min}
        max={f.log ? 1000 : f.max}
        step={f.log ? 1 : (f.step ?? (f.int ? 1 : (f.max - f.min) / 100))}
        value={toSlider(f, value)}
        disabled={props.disabled}
        onChange={(e) => props.onChange(fromSlider(f, Number(e.target.value)))}
      />
      <input
        id={props.id}
        type="text"
        inputMode="decimal"
        value={draft}
        disabled={props.disabled}
        aria-invalid={error ? true : undefined}
        aria-describedby={
          [props.described, error ? `${props.id}-err` : ''].filter(Boolean).join(' ') || undefined
        }
        onChange={(e) => setDraft(e.target.value)}
        onBlur={(e) => commit(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit((e.target as HTMLInputElement).value);
        }}
      />
      {error ? (
        <span className="field-error" id={`${props.id}-err`} role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}
