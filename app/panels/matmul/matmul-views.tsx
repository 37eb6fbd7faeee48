/** Views of the matmul pipe check: a preview of C and the numbers that say the kernel is right. */
import { Heatmap, MetricTable } from '../../viz/react';
import type { LabViewProps } from '../types';

interface Preview {
  rows: number;
  cols: number;
  values: number[];
}

export function MatmulViews({ result, values }: LabViewProps) {
  if (!result) return <p className="placeholder">Running the first multiply…</p>;
  const preview = result.views?.preview as Preview | undefined;
  const { m, n, k } = (result.views?.dims ?? { m: 0, n: 0, k: 0 }) as { m: number; n: number; k: number };
  return (
    <div className="views-grid">
      <section className="card">
        <MetricTable
          caption={`C = A·B, ${m}×${k} · ${k}×${n}`}
          rows={[
            {
              label: 'Time',
              value: result.timings.multiply,
              unit: 'ms',
              hint: 'Wall time of the multiply including upload and read-back',
            },
            { label: 'Throughput', value: result.metrics.gflops, unit: 'GFLOP/s' },
            { label: '‖C‖_F', value: result.metrics.frobenius },
            { label: 'Entries', value: values.a || values.b ? 'your data' : String(values.dist) },
          ]}
        />
      </section>
      {preview ? (
        <section className="card">
          <Heatmap
            title={`C, block-averaged to ${preview.rows}×${preview.cols}`}
            xLabel="column"
            yLabel="row"
            rows={preview.rows}
            cols={preview.cols}
            values={preview.values}
            colormap="diverging"
          />
        </section>
      ) : null}
    </div>
  );
}
