/**
 * A drop zone (and file picker) for one of the spec's data files; the worker parses and checks it.
 * A .npz archive fills every slot named by its arrays (q.npy → q) at once.
 */
import { useId, useState } from 'react';
import type { FileField, FileRef } from '../../workers/spec/fields';
import { specFor } from '../../workers/spec/registry';
import { useLab, useRuntime } from '../store/context';

export function FileSlot({ name, field, locked }: { name: string; field: FileField; locked: boolean }) {
  const id = useId();
  const { pool, store } = useRuntime();
  const ref = useLab((s) => s.values[name] as FileRef | null);
  const experiment = useLab((s) => s.experiment);
  const have = useLab((s) => s.files[name]);
  const attach = useLab((s) => s.attachFile);
  const detach = useLab((s) => s.detachFile);
  const [error, setError] = useState<string | null>(null);
  const [over, setOver] = useState(false);

  const take = async (file: File | undefined) => {
    if (!file) return;
    setError(null);
    try {
      const bytes = await file.arrayBuffer();
      const slots = Object.entries(specFor(experiment)?.fields ?? {})
        .filter(([, f]) => f.kind === 'file')
        .map(([k]) => k);
      // The copy is transferred to the worker (and kept parsed there); `bytes` stays with the store.
      const got = await pool.main().inspectFile(file.name, bytes.slice(0), { experiment, slot: name, slots });
      const { values, files } = store.getState();
      for (const g of got) {
        // A link's file must match its hash; a file the user attached here may be replaced freely.
        const want = files[g.slot] ? null : (values[g.slot] as FileRef | null);
        if (want && want.sha256 !== g.ref.sha256) {
          setError(
            `${g.ref.name} is not the file this link was made with${g.slot === name ? '' : ` for ${g.slot}`} (${want.name}, ${want.shape.join('×')}); its SHA-256 differs.`,
          );
          return;
        }
      }
      for (const g of got)
        attach(g.slot, {
          name: g.ref.name,
          bytes: g.bytes ?? bytes,
          ref: g.ref,
          dtype: g.dtype,
          notes: g.notes,
        });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <div
      className={`control file-slot${over ? ' over' : ''}`}
      data-field={name}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        if (!locked) void take(e.dataTransfer.files[0]);
      }}
    >
      <label htmlFor={id}>{field.label}</label>
      {have ? (
        <div className="file-info">
          <span>
            {have.name} · {have.ref.shape.join('×')} · {have.dtype}
          </span>
          <button type="button" onClick={() => detach(name)} disabled={locked}>
            Remove
          </button>
          {have.notes?.length ? <small className="file-notes">{have.notes.join(' ')}</small> : null}
        </div>
      ) : ref ? (
        <div className="file-info wanted" role="status">
          This link needs {ref.name} ({ref.shape.join('×')}, SHA-256 {ref.sha256.slice(0, 10)}…)
        </div>
      ) : (
        <small>Drop a .npy, .npz or .csv here, or pick one.</small>
      )}
      <input
        id={id}
        type="file"
        accept=".npy,.npz,.csv,.txt"
        disabled={locked}
        onChange={(e) => void take(e.target.files?.[0])}
      />
      {field.help ? <small>{field.help}</small> : null}
      {error ? (
        <span className="field-error" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}
