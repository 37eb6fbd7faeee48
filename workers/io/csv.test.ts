import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCsv } from './csv';

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
