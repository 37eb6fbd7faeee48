import { afterEach, describe, expect, it, vi } from 'vitest';
import { frameCoalescer } from './run-controller';

describe('frameCoalescer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('applies at most once per frame, the latest value winning', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const seen: number[] = [];
    const c = frameCoalescer<number>((v) => seen.push(v));
    c.push(1);
    c.push(2);
    c.push(3);
    expect(seen).toEqual([]);
    vi.advanceTimersByTime(0);
    expect(seen).toEqual([3]);
    c.push(4);
    c.push(5);
    vi.advanceTimersByTime(10);
    expect(seen).toEqual([3]);
    vi.advanceTimersByTime(6);
    expect(seen).toEqual([3, 5]);
  });

  it('drops what is pending when told', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const seen: string[] = [];
    const c = frameCoalescer<string>((v) => seen.push(v));
    c.push('a');
    c.drop();
    vi.advanceTimersByTime(500);
    expect(seen).toEqual([]);
  });

  it('after a slow apply, waits as long as it took before the next', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const seen: number[] = [];
    const c = frameCoalescer<number>((v) => {
      seen.push(v);
      const t0 = performance.now();
      while (performance.now() - t0 < 40) {
        // a slow render
      }
    });
    c.push(1);
    vi.advanceTimersByTime(0);
    await Promise.resolve();
    c.push(2);
    vi.advanceTimersByTime(20);
    expect(seen).toEqual([1]);
    vi.advanceTimersByTime(25);
    expect(seen).toEqual([1, 2]);
  });
});
