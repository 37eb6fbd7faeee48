import { describe, expect, it } from 'vitest';
import { exact, formatCount, formatDuration, formatNumber, formatTick, formatWithUnit } from './format';

describe('formatDuration', () => {
  it('says durations the way a person would', () => {
    expect(formatDuration(125_500)).toBe('2 min 6 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatDuration(340.2)).toBe('340 ms');
    expect(formatDuration(4.25)).toBe('4.3 ms');
    expect(formatDuration(0.4213)).toBe('0.42 ms');
    expect(formatDuration(9729)).toBe('9.73 s');
    expect(formatDuration(13_620)).toBe('13.6 s');
    expect(formatDuration(120_000)).toBe('2 min');
    expect(formatDuration(3_725_000)).toBe('1 h 2 min');
    expect(formatDuration(59_800)).toBe('1 min');
    expect(formatDuration(Number.NaN)).toBe('NaN');
  });
});

describe('formatNumber and formatCount', () => {
  it('groups the digits of counts', () => {
    expect(formatCount(16384)).toBe('16,384');
    expect(formatCount(1_234_567)).toBe('1,234,567');
    expect(formatNumber(81830)).toBe('81,830');
    expect(formatCount(12)).toBe('12');
  });
  it('rounds measurements to significant digits and drops trailing zeros', () => {
    expect(formatNumber(0.03172)).toBe('0.0317');
    expect(formatNumber(1.342)).toBe('1.34');
    expect(formatNumber(0.5)).toBe('0.5');
    expect(formatNumber(-0.8752)).toBe('-0.875');
    expect(formatNumber(1234.567)).toBe('1,230');
    expect(formatNumber(1234.567, 6)).toBe('1,234.57');
    expect(formatNumber(0)).toBe('0');
  });
  it('writes very small and very large magnitudes with a power of ten', () => {
    expect(formatNumber(3.882e-5)).toBe('3.88 × 10⁻⁵');
    expect(formatNumber(1.255e7 + 0.5)).toBe('1.26 × 10⁷');
    expect(formatNumber(-2e-9, 2)).toBe('-2 × 10⁻⁹');
  });
  it('keeps non-finite values visible and exact values exact', () => {
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe('Infinity');
    expect(formatNumber(Number.NaN)).toBe('NaN');
    expect(exact(0.1 + 0.2)).toBe('0.30000000000000004');
  });
  it('writes log-axis ticks without mixing notations', () => {
    expect(formatTick(1e-6)).toBe('10⁻⁶');
    expect(formatTick(1e-8)).toBe('10⁻⁸');
    expect(formatTick(2e-5)).toBe('2×10⁻⁵');
    expect(formatTick(0.01)).toBe('0.01');
    expect(formatTick(1e7)).toBe('10⁷');
    expect(formatTick(250)).toBe('250');
  });
  it('turns ms and s units into human durations', () => {
    expect(formatWithUnit(125_500, 'ms')).toEqual({ text: '2 min 6 s' });
    expect(formatWithUnit(2.5, 's')).toEqual({ text: '2.5 s' });
    expect(formatWithUnit(58_412.3, 'samples/s')).toEqual({ text: '58,400', unit: 'samples/s' });
  });
});
