/** Downloads of a finished result (JSON as the CLI writes it, arrays as .npy or one .npz, metrics as CSV) and its CLI line. */
import type { RunResult } from '../../workers/experiments/types';
import { writeNpy } from '../../workers/io/npy';
import { writeNpz } from '../../workers/io/npz';
import type { FileRef } from '../../workers/spec/fields';
import { shareHash } from '../runtime/url-sync';
import { useLab, useRuntime } from '../store/context';
import { download, toCsv } from '../viz/export';

/**
 * The exact `npx sparselab run …` line that reproduces what is on screen. Arrays from a .npz
 * (recorded as `archive.npz:name`) are passed as the archive: once, when its arrays fill the slots of
 * their own names, or as `slot=archive.npz` for a one-array archive given to another slot.
 */
export function cliCommand(hash: string, backend: string, values: Record<string, unknown>): string {
  const archives = new Set<string>();
  let files = '';
  for (const [k, v] of Object.entries(values)) {
    if (!v || typeof v !== 'object' || !('sha256' in (v as object))) continue;
    const name = (v as FileRef).name;
    const member = /^(.+\.npz):([^:]+)$/i.exec(name);
    if (member && member[2] === k) {
      if (!archives.has(member[1])) files += ` --data ${shellQuote(member[1])}`;
      archives.add(member[1]);
    } else files += ` --data ${k}=${shellQuote(member ? member[1] : name)}`;
  }
  return `npx sparselab run ${shellQuote(hash)}${backend === 'cpu' ? ' --backend cpu' : ''}${files} --out out`;
}

function shellQuote(s: string): string {
  return /^[\w./=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function ResultExports({ result }: { result: RunResult }) {
  const { pool } = useRuntime();
  const notify = useLab((s) => s.notify);
  const experiment = useLab((s) => s.experiment);
  const values = useLab((s) => s.values);
  const meta = useLab((s) => s.meta);
  const backend = useLab((s) => s.backend);
  const hash = shareHash({ experiment, values, meta: {}, backend });
  const base = `${result.experiment}-${result.finishedAt.replace(/[:.]/g, '-')}`;
  const json = () => {
    const { arrays, ...rest } = result;
    const shapes = Object.fromEntries(
      Object.entries(arrays).map(([k, a]) => [k, { dtype: a.dtype, shape: a.shape }]),
    );
    download(
      `${base}-result.json`,
      `${JSON.stringify({ ...rest, url: hash, arrays: shapes }, null, 2)}\n`,
      'application/json',
    );
  };
  const metricsCsv = () =>
    download(
      `${base}-metrics.csv`,
      toCsv(
        ['kind', 'name', 'value'],
        [
          ...Object.entries(result.metrics).map(([k, v]) => ['metric', k, v]),
          ...Object.entries(result.timings).map(([k, v]) => ['timing_ms', k, v]),
        ],
      ),
      'text/csv',
    );
  const copyCli = async () => {
    const line = cliCommand(hash, backend, values);
    try {
      await navigator.clipboard.writeText(line);
      notify('CLI command copied');
    } catch {
      notify(line);
    }
  };
  const python = async () => {
    const r = await pool.for(result.experiment).exportPython(hash, result.finishedAt);
    if ('error' in r) notify(r.error);
    else download(`${r.name}.zip`, r.zip as Uint8Array<ArrayBuffer>, 'application/zip');
  };
  return (
    <details className="result-exports" data-testid="result-exports">
      <summary>Export</summary>
      <div className="export-bar wrap">
        <button type="button" className="small" onClick={json}>
          result.json
        </button>
        <button type="button" className="small" onClick={metricsCsv}>
          metrics.csv
        </button>
        <button
          type="button"
          className="small"
          title="every array in one archive, as np.savez writes it (np.load reads it)"
          onClick={() =>
            download(
              `${base}-arrays.npz`,
              writeNpz(
                Object.fromEntries(
                  Object.entries(result.arrays)
                    .filter(([name]) => /^[\w.-]+$/.test(name))
                    .map(([name, a]) => [name, writeNpy(a)]),
                ),
              ) as Uint8Array<ArrayBuffer>,
              'application/octet-stream',
            )
          }
        >
          arrays.npz
        </button>
        {Object.entries(result.arrays).map(([name, a]) => (
          <button
            key={name}
            type="button"
            className="small"
            title={`${a.dtype} ${a.shape.join('×')}`}
            onClick={() =>
              download(`${name}.npy`, writeNpy(a) as Uint8Array<ArrayBuffer>, 'application/octet-stream')
            }
          >
            {name}.npy
          </button>
        ))}
        <button
          type="button"
          className="small"
          onClick={python}
          data-testid="export-python"
          title="A folder with run.py, inputs.npz and outputs.npz: recomputes this run with NumPy, scikit-learn or PyTorch and checks its agreement"
        >
          Export → Python
        </button>
        <button type="button" className="small" onClick={copyCli} data-testid="copy-cli">
          Copy as CLI command
        </button>
      </div>
      {meta.embed ? null : <code className="cli-line">{cliCommand(hash, backend, values)}</code>}
    </details>
  );
}
