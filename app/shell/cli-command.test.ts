import { describe, expect, it } from 'vitest';
import { cliCommand } from './result-exports';

const ref = (name: string) => ({ name, shape: [4, 2], sha256: 'a'.repeat(64) });

describe('Copy as CLI command', () => {
  it('passes a .npz once when its arrays fill the slots of their names, and plain files by slot', () => {
    expect(
      cliCommand('#/attention?ver=1', 'cpu', {
        q: ref('qkv.npz:q'),
        k: ref('qkv.npz:k'),
        v: ref('qkv.npz:v'),
        n: 3,
      }),
    ).toBe("npx sparselab run '#/attention?ver=1' --backend cpu --data qkv.npz --out out");
    expect(cliCommand('#/regression?ver=1', 'webgpu', { X: ref('one.npz:arr'), y: ref('my y.csv') })).toBe(
      "npx sparselab run '#/regression?ver=1' --data X=one.npz --data y='my y.csv' --out out",
    );
  });
});
