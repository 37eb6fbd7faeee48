/**
 * Numeric CSV reader. The header row is optional (detected when the first row is not all numbers).
 * A cell that is not a number is an error naming its row and column.
 */
export interface CsvTable {
  columns: string[];
  rows: number;
  cols: number;
  /** Row-major values. */
  data: Float64Array;
}

export class CsvError extends Error {
  override name = 'CsvError';
}

function splitLine(line: string): string[] {
  const cells: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cur);
      cur = '';
    } else cur += ch;
  }
  cells.push(cur);
  return cells.map((c) => c.trim());
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|Infinity|nan|NaN)$/;

function parseCell(cell: string): number {
  if (!NUMBER.test(cell)) return Number.NaN;
  if (/^[+-]?(inf|Infinity)$/.test(cell)) return cell.startsWith('-') ? -Infinity : Infinity;
  if (/nan/i.test(cell)) return Number.NaN;
  return Number(cell);
}

export function readCsv(text: string, fileName = 'the file'): CsvTable {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((l, i) => ({ l, i: i + 1 }))
    .filter(({ l }) => l.trim().length > 0);
  if (lines.length === 0) throw new CsvError(`${fileName}: the file is empty`);
  const first = splitLine(lines[0].l);
  const hasHeader = first.some((c) => !NUMBER.test(c));
  const columns = hasHeader ? first : first.map((_, j) => `column ${j + 1}`);
  const body = hasHeader ? lines.slice(1) : lines;
  if (body.length === 0) throw new CsvError(`${fileName}: there are no data rows after the header`);
  const cols = columns.length;
  const data = new Float64Array(body.length * cols);
  body.forEach(({ l, i }, r) => {
    const cells = splitLine(l);
    if (cells.length !== cols) {
      throw new CsvError(`${fileName}: row ${i} has ${cells.length} cells, expected ${cols}`);
    }
    cells.forEach((cell, j) => {
      const v = parseCell(cell);
      if (Number.isNaN(v) && !/^[+-]?nan$/i.test(cell)) {
        const name = hasHeader ? `"${columns[j]}"` : `${j + 1}`;
        throw new CsvError(`${fileName}: row ${i}, column ${name}: "${cell.slice(0, 40)}" is not a number`);
      }
      data[r * cols + j] = v;
    });
  });
  return { columns, rows: body.length, cols, data };
}
