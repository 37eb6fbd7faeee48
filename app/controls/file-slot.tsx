/** A drop zone (and file picker) for one of the spec's data files; the worker parses and checks it. */
import { useId, useState } from 'react';
import type { FileField, FileRef } from '../../workers/spec/fields';
import { useLab, useRuntime } from '../store/context';

export function FileSlot({ name, field, locked }: { name: string; field: FileField; locked: boolean }) {
  const id = useId();
  const { pool } = useRuntime();
  const ref = useLab((s) => s.values[name] as FileRef | null);
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
      const info = await pool.main().inspectFile(file.name, bytes.slice(0));
      if (ref && ref.sha256 !== info.sha256) {
        setError(
          `${file.name} is not the file this link was made with (${ref.name}, ${ref.shape.join('×')}); its SHA-256 differs.`,
        );
        return;
      }
      attach(name, {
        name: file.name,
        bytes,
        ref: { name: info.name, shape: info.shape, sha256: info.sha256 },
        dtype: info.dtype,
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
        </div>
      ) : ref ? (
        <div className="file-info wanted" role="status">
          This link needs {ref.name} ({ref.shape.join('×')}, SHA-256 {ref.sha256.slice(0, 10)}…)
        </div>
      ) : (
        <small>Drop a .npy or .csv here, or pick one.</small>
      )}
      <input
        id={id}
        type="file"
        accept=".npy,.csv,.txt"
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
