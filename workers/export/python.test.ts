import { describe, expect, it } from 'vitest';
import { py } from './python';

describe('Python literals in run.py', () => {
  it('round-trip numbers, booleans, None, strings and nesting', () => {
    expect(py(0.1)).toBe('0.1');
    expect(py(1e-6)).toBe('1e-6');
    expect(py(2.5e-4)).toBe('2.5e-4');
    expect(py(-3)).toBe('-3');
    expect(py(Number.NaN)).toBe("float('nan')");
    expect(py(true)).toBe('True');
    expect(py(null)).toBe('None');
    expect(py('a"b')).toBe('"a\\"b"');
    expect(py({ x: [1, false], y: { z: 0.5 } })).toBe('{"x": [1, False], "y": {"z": 0.5}}');
    expect(() => py(() => 1)).toThrow(/cannot write function/);
  });
});
