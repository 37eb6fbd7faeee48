import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCsv, readCsvBytes } from './csv';

describe('readCsv', () => {
  it('reads a header row and numeric cells', () => {
    const t = readCsv('a,b\n1,2\n3.5,-4e-2\n');
    expect(t.columns).toEqual(['a', 'b']);
    expect([t.rows, t.cols]).toEqual([2, 2]);
    expect([...t.data]).toEqual([1, 2, 3.5, -0.04]);
  });
  it('detects a missing header and names columns by number', () => {
    const t = readCsv('1,2,3\r\n4,5,6\r\n');
    expect(t.columns).toEqual(['column 1', 'column 2', 'column 3']);
    expect(t.rows).toBe(2);
  });
  it('names the row and column of a non-numeric cell', () => {
    expect(() => readCsv('x,y\n1,2\n3,abc\n', 'data.csv')).toThrow(
      'data.csv: row 3, column "y": "abc" is not a number',
    );
    expect(() => readCsv('1,2\n3,\n')).toThrow(/row 2, column 2: "" is not a number/);
  });
  it('reports ragged rows and empty files', () => {
    expect(() => readCsv('a,b\n1,2,3\n')).toThrow(/row 2 has 3 cells, expected 2/);
    expect(() => readCsv('\n\n')).toThrow(/empty/);
    expect(() => readCsv('a,b\n')).toThrow(/no data rows/);
  });
  it('handles quoted cells and explicit NaN', () => {
    const t = readCsv('"a,1",b\n"1",NaN\n');
    expect(t.columns).toEqual(['a,1', 'b']);
    expect(t.data[0]).toBe(1);
    expect(Number.isNaN(t.data[1])).toBe(true);
  });
  it('reads the shipped diabetes dataset', () => {
    const text = readFileSync(new URL('../../public/datasets/diabetes.csv', import.meta.url), 'utf8');
    const t = readCsv(text);
    expect([t.rows, t.cols]).toEqual([442, 11]);
    expect(t.columns[0]).toBe('age');
  });
});

describe('readCsv on files as NumPy, pandas, R and spreadsheets write them', () => {
  const fixture = (name: string) => readFileSync(new URL(`../../test/fixtures/npy/${name}`, import.meta.url));
  it('reads np.savetxt output: inf, -inf and nan, LF and CRLF', () => {
    for (const f of ['savetxt_special.csv', 'savetxt_crlf.csv']) {
      const t = readCsvBytes(fixture(f), f);
      expect([t.rows, t.cols]).toEqual([3, 2]);
      expect([...t.data]).toEqual([1.5, Infinity, -Infinity, Number.NaN, 1e-300, -2]);
    }
    expect(readCsvBytes(fixture('savetxt_special.csv')).columns).toEqual(['a', 'b']);
  });
  it('drops a UTF-8 BOM and reads CR-only line ends', () => {
    const t = readCsvBytes(new TextEncoder().encode('\uFEFFa,b\r1,2\r3,4\r'));
    expect(t.columns).toEqual(['a', 'b']);
    expect([...t.data]).toEqual([1, 2, 3, 4]);
    expect(readCsv('1,2\r\r3,4').rows).toBe(2);
  });
  it('reads quoted numbers, quoted headers with commas and line breaks, and every spelling of inf and nan', () => {
    const t = readCsv('"x, in m","y\nnext"\r\n"1.5", " -2e3 "\n INF ,-Infinity\n+inf,NaN\n-nan,infinity\n');
    expect(t.columns).toEqual(['x, in m', 'y\nnext']);
    expect([...t.data]).toEqual([
      1.5,
      -2000,
      Infinity,
      -Infinity,
      Infinity,
      Number.NaN,
      Number.NaN,
      Infinity,
    ]);
    expect(() => readCsv('a,b\n1,"2\n')).toThrow(/line 2: a quoted cell is never closed/);
  });
  it("recognises pandas' index column (an empty first header cell), drops it and says so", () => {
    // What pandas' DataFrame({'a': [1.0, inf], 'b': [2.5, -inf]}).to_csv(f) writes (index=True by default).
    const t = readCsv(',a,b\n0,1.0,2.5\n1,inf,-inf\n', 'df.csv');
    expect(t.columns).toEqual(['a', 'b']);
    expect([t.rows, t.cols]).toEqual([2, 2]);
    expect([...t.data]).toEqual([1, 2.5, Infinity, -Infinity]);
    expect(t.notes).toEqual([
      'df.csv: the first column has no header name, so it was read as a pandas index and dropped (save with index=False to avoid this)',
    ]);
    // A named first column is data, and a table without a header has no index to drop.
    expect(readCsv('i,a\n0,1\n').cols).toBe(2);
    expect(readCsv('0,1\n1,2\n').notes).toEqual([]);
    // An index of strings is dropped without being read as numbers.
    expect([...readCsv(',a\nrow1,3\nrow2,4\n').data]).toEqual([3, 4]);
  });
  it('says when a file is UTF-16', () => {
    const le = new Uint8Array([0xff, 0xfe, 0x61, 0x00, 0x2c, 0x00]);
    expect(() => readCsvBytes(le, 'u16.csv')).toThrow(/u16\.csv: the file is UTF-16 .*save it as UTF-8/);
    expect(() => readCsvBytes(new Uint8Array([0xfe, 0xff, 0x00, 0x61]), 'be.csv')).toThrow(/UTF-16/);
    expect(() => readCsvBytes(new Uint8Array([0x61, 0x00, 0x2c, 0x00, 0x62, 0x00]), 'nul.csv')).toThrow(
      /UTF-16/,
    );
  });
  it('names the row and column of a bad or over-long cell, and hints at missing values', () => {
    expect(() => readCsv('a,b\n1,2\n3,\n', 'm.csv')).toThrow(
      'm.csv: row 3, column "b": "" is not a number (an empty cell: pandas writes missing values so',
    );
    expect(() => readCsv(`a\n${'1'.repeat(50_000)}x\n`, 'long.csv')).toThrow(
      'long.csv: row 2, column "a": the cell is 50001 characters long (a number has at most 400)',
    );
    expect(() => readCsv('a,b\r\n1,2\r\n3,4,5\r\n')).toThrow(/row 3 has 3 cells, expected 2/);
  });
});
