import { afterEach, describe, expect, it, vi } from 'vitest';
import { frameCoalescer } from './run-controller';

describe('frameCoalescer', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('applies once per frame, the latest value winning', () => {
    const frames: Array<() => void> = [];
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    vi.stubGlobal('requestAnimationFrame', (cb: () => void) => frames.push(cb));
    vi.stubGlobal('cancelAnimationFrame', () => {});
    const seen: number[] = [];
    const c = frameCoalescer<number>((v) => seen.push(v));
    c.push(1);
    c.push(2);
    c.push(3);
    expect(seen).toEqual([]);
    expect(frames).toHaveLength(1);
    frames[0]();
    expect(seen).toEqual([3]);
    // The fallback timer of that frame was cleared: nothing more lands.
    vi.advanceTimersByTime(500);
    expect(seen).toEqual([3]);
    c.push(4);
    expect(frames).toHaveLength(2);
    frames[1]();
    expect(seen).toEqual([3, 4]);
  });

  it('lands without animation frames (hidden tab) and drops what is pending when told', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    vi.stubGlobal('requestAnimationFrame', undefined);
    const seen: string[] = [];
    const c = frameCoalescer<string>((v) => seen.push(v));
    c.push('a');
    c.push('b');
    vi.advanceTimersByTime(100);
    expect(seen).toEqual(['b']);
    c.push('c');
    c.drop();
    vi.advanceTimersByTime(500);
    expect(seen).toEqual(['b']);
  });

  it('after a slow apply, waits as long as it took before the next frame', async () => {
    const frames: Array<() => void> = [];
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    vi.stubGlobal('requestAnimationFrame', (cb: () => void) => frames.push(cb));
    vi.stubGlobal('cancelAnimationFrame', () => {});
    const seen: number[] = [];
    const c = frameCoalescer<number>((v) => {
      seen.push(v);
      const t0 = performance.now();
      while (performance.now() - t0 < 40) {
        // a slow render
      }
    });
    c.push(1);
    frames[0]();
    await Promise.resolve();
    c.push(2);
    expect(frames).toHaveLength(1);
    vi.advanceTimersByTime(45);
    expect(frames).toHaveLength(2);
    frames[1]();
    expect(seen).toEqual([1, 2]);
  });
});
