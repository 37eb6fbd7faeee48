/**
 * The metrics table of every lab (no d3: the app shell's history drawer uses it, and the charts and d3 load
 * with a lab's views, not with the first page).
 */
import { exact, formatWithUnit } from './format';

export interface MetricRow {
  label: string;
  value: number | string;
  unit?: string;
  hint?: string;
}

/** Metrics to a few significant digits (durations in human units); the exact value on hover. */
export function MetricTable({ rows, caption }: { rows: MetricRow[]; caption?: string }) {
  return (
    <table className="metrics">
      {caption ? <caption>{caption}</caption> : null}
      <tbody>
        {rows.map((r) => {
          const num = typeof r.value === 'number';
          const finite = num && Number.isFinite(r.value as number);
          const f = finite ? formatWithUnit(r.value as number, r.unit) : null;
          const title = [r.hint, num ? `exact: ${exact(r.value as number)}${r.unit ? ` ${r.unit}` : ''}` : '']
            .filter(Boolean)
            .join(' — ');
          return (
            <tr key={r.label} title={title || undefined}>
              <th scope="row">{r.label}</th>
              <td
                className={num && !finite ? 'bad' : undefined}
                data-exact={num ? exact(r.value as number) : undefined}
              >
                {f ? f.text : num ? `${r.value} ⚠` : r.value}
                {(f ? f.unit : r.unit) ? <span className="unit"> {f ? f.unit : r.unit}</span> : null}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
