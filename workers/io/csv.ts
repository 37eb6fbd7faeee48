/**
 * Numeric CSV reader, for files as NumPy (savetxt), pandas (to_csv), R and spreadsheets write them:
 * UTF-8 with or without a BOM; LF, CRLF or CR-only line ends; quoted cells (a quoted cell may hold
 * commas and line breaks); inf/-inf/Infinity/nan in any case. The header row is optional (detected
 * when the first row is not all numbers); a header whose first cell is empty is pandas' index column,
 * which is dropped with a note. A cell that is not a number is an error naming its row and column.
 * One pass over the text: time linear in its length.
 */
import { MAX_NUMBER_CHARS, scanNumber } from './number';

export interface CsvTable {
  columns: string[];
  rows: number;
  cols: number;
  /** Row-major values. */
  data: Float64Array;
  /** What was done to the file on the way in (e.g. a pandas index column dropped). */
  notes: string[];
}

export class CsvError extends Error {
  override name = 'CsvError';
}

interface Row {
  /** 1-based line of the file where the row starts. */
  line: number;
  cells: string[];
}

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;
const isBlank = (c: number) => c === 32 || c === 9;

/** Splits the text into rows of cells; blank lines are skipped. */
function splitRows(text: string, fail: (why: string) => never): Row[] {
  const rows: Row[] = [];
  const n = text.length;
  let line = 1;
  let i = 0;
  let cells: string[] = [];
  let rowLine = 1;
  let blank = true;
  const endRow = () => {
    if (!(blank && cells.length === 1 && cells[0] === '')) rows.push({ line: rowLine, cells });
    cells = [];
    blank = true;
  };
  for (;;) {
    // One cell, from i to the next unquoted comma or line end.
    let cell: string;
    let j = i;
    while (j < n && isBlank(text.charCodeAt(j))) j++;
    if (j < n && text.charCodeAt(j) === QUOTE) {
      blank = false;
      const startLine = line;
      j++;
      const parts: string[] = [];
      let from = j;
      for (;;) {
        if (j >= n) fail(`line ${startLine}: a quoted cell is never closed`);
        const c = text.charCodeAt(j);
        if (c === QUOTE) {
          if (text.charCodeAt(j + 1) === QUOTE) {
            parts.push(text.slice(from, j + 1));
            j += 2;
            from = j;
            continue;
          }
          parts.push(text.slice(from, j));
          j++;
          break;
        }
        if (c === LF || (c === CR && text.charCodeAt(j + 1) !== LF)) line++;
        j++;
      }
      cell = parts.join('').trim();
      while (j < n && isBlank(text.charCodeAt(j))) j++;
      const c = text.charCodeAt(j);
      if (j < n && c !== COMMA && c !== LF && c !== CR)
        fail(`line ${line}: text after a closing quote ("${text.slice(j, j + 20)}")`);
    } else {
      for (
        let c = text.charCodeAt(j);
        j < n && c !== COMMA && c !== LF && c !== CR;
        c = text.charCodeAt(++j)
      );
      cell = text.slice(i, j).trim();
      if (cell !== '') blank = false;
    }
    cells.push(cell);
    if (j >= n) {
      endRow();
      break;
    }
    if (text.charCodeAt(j) === COMMA) {
      blank = false;
      i = j + 1;
      continue;
    }
    // A line end: \r\n, \n or a lone \r (old Mac files, some spreadsheet exports).
    i = text.charCodeAt(j) === CR && text.charCodeAt(j + 1) === LF ? j + 2 : j + 1;
    endRow();
    line++;
    rowLine = line;
  }
  return rows;
}

const isNumber = (cell: string) => scanNumber(cell, { special: true }).ok;

/** Reads raw file bytes: refuses UTF-16 with a message, drops a UTF-8 BOM, then reads the text. */
export function readCsvBytes(bytes: Uint8Array, fileName = 'the file'): CsvTable {
  const utf16 =
    (bytes[0] === 0xff && bytes[1] === 0xfe) ||
    (bytes[0] === 0xfe && bytes[1] === 0xff) ||
    bytes.subarray(0, 4096).includes(0);
  if (utf16) {
    throw new CsvError(
      `${fileName}: the file is UTF-16 (or has NUL bytes); save it as UTF-8 CSV (Excel: "CSV UTF-8"; pandas writes UTF-8 by default)`,
    );
  }
  return readCsv(new TextDecoder('utf-8').decode(bytes), fileName);
}

export function readCsv(text: string, fileName = 'the file'): CsvTable {
  const fail = (why: string): never => {
    throw new CsvError(`${fileName}: ${why}`);
  };
  if (text.includes('\u0000')) fail('the file has NUL bytes (is it UTF-16?); save it as UTF-8 CSV');
  const rows = splitRows(text.replace(/^\uFEFF/, ''), fail);
  if (rows.length === 0) fail('the file is empty');
  const notes: string[] = [];
  const first = rows[0].cells;
  const hasHeader = first.some((c) => !isNumber(c));
  // pandas' to_csv writes its index as an unnamed first column: ",a,b".
  const indexColumn = hasHeader && first.length > 1 && first[0] === '';
  const skip = indexColumn ? 1 : 0;
  if (indexColumn)
    notes.push(
      `${fileName}: the first column has no header name, so it was read as a pandas index and dropped (save with index=False to avoid this)`,
    );
  const columns = (hasHeader ? first : first.map((_, j) => `column ${j + 1}`)).slice(skip);
  const body = hasHeader ? rows.slice(1) : rows;
  if (body.length === 0) fail('there are no data rows after the header');
  const width = first.length;
  const cols = width - skip;
  const data = new Float64Array(body.length * cols);
  body.forEach(({ line, cells }, r) => {
    if (cells.length !== width) fail(`row ${line} has ${cells.length} cells, expected ${width}`);
    for (let j = skip; j < width; j++) {
      const cell = cells[j];
      const s = scanNumber(cell, { special: true });
      if (!s.ok) {
        const name = hasHeader ? `"${columns[j - skip].slice(0, 40)}"` : `${j + 1}`;
        const what =
          cell.length > MAX_NUMBER_CHARS
            ? `the cell is ${cell.length} characters long (a number has at most ${MAX_NUMBER_CHARS})`
            : cell === ''
              ? '"" is not a number (an empty cell: pandas writes missing values so; fill or drop them)'
              : `"${cell.slice(0, 40)}" is not a number`;
        fail(`row ${line}, column ${name}: ${what}`);
      }
      data[r * cols + j - skip] = (s as { value: number }).value;
    }
  });
  return { columns, rows: body.length, cols, data, notes };
}
