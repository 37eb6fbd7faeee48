import { describe, expect, it } from 'vitest';
import { attentionInputs } from './attention-inputs';
import { GUARANTEES, headPattern, tileOrder, topBlockMass, videoGrid } from './attention-realistic';

const N = 4096;
const D = 64;
const B = 64;

/** Mean over seeds 0–2 of the top-10% block mass (2 sampled queries per block, second half). */
function top10(kind: Parameters<typeof attentionInputs>[0], causal: boolean): number {
  let s = 0;
  for (const seed of [0, 1, 2]) {
    const x = attentionInputs(kind, 1, N, D, seed, causal);
    s += topBlockMass(x.q, x.k, N, D, causal, B, 0.1, 2).mean;
  }
  return s / 3;
}

describe('realistic attention inputs (each generator’s stated guarantee)', () => {
  it('rope_local: top 10% of key blocks hold ≥ 85% of the mass', () => {
    expect(GUARANTEES.rope_local).toContain('85%');
    expect(top10('rope_local', true)).toBeGreaterThanOrEqual(0.85);
  });
  it('a_shape: top 10% ≥ 90%; the 4 sinks hold ≥ 30% of the late queries’ mass', () => {
    expect(top10('a_shape', true)).toBeGreaterThanOrEqual(0.9);
    const x = attentionInputs('a_shape', 1, N, D, 0, true);
    const tau = 1 / Math.sqrt(D);
    let sink = 0;
    const rows = [2000, 2500, 3000, 3500, 4000];
    for (const i of rows) {
      const s = Array.from({ length: i + 1 }, (_, j) => {
        let dot = 0;
        for (let c = 0; c < D; c++) dot += x.q[i * D + c] * x.k[j * D + c];
        return tau * dot;
      });
      const mx = Math.max(...s);
      const e = s.map((z) => Math.exp(z - mx));
      const l = e.reduce((a, b) => a + b, 0);
      sink += (e[0] + e[1] + e[2] + e[3]) / l / rows.length;
    }
    expect(sink).toBeGreaterThanOrEqual(0.3);
  });
  it('vertical_slash: top 10% ≥ 80%', () => {
    expect(top10('vertical_slash', true)).toBeGreaterThanOrEqual(0.8);
  });
  it('block_clusters: top 10% ≥ 85%', () => {
    expect(top10('block_clusters', true)).toBeGreaterThanOrEqual(0.85);
  });
  it('video3d: 16×16×16 grid at N = 4096, non-causal top 10% ≥ 85%', () => {
    expect(videoGrid(4096)).toEqual([16, 16, 16]);
    expect(top10('video3d', false)).toBeGreaterThanOrEqual(0.85);
  });
  it('video3d_tiled: the same tokens in 4×4×4-tile order; top 10% ≥ 85%', () => {
    const order = tileOrder([16, 16, 16], 4096);
    expect(new Set(order).size).toBe(4096);
    expect(Array.from(order.subarray(0, 5))).toEqual([0, 1, 2, 3, 16]);
    expect(top10('video3d_tiled', false)).toBeGreaterThanOrEqual(0.85);
  });
  it('i.i.d. Gaussian data is diffuse: top 10% ≤ 20% (the contrast the realistic ones exist for)', () => {
    expect(top10('gaussian', true)).toBeLessThanOrEqual(0.2);
  });
  it('mixed_heads: head h is exactly the generator of its pattern, so it keeps that guarantee', () => {
    const x = attentionInputs('mixed_heads', 4, 256, 32, 3, true);
    for (let h = 0; h < 4; h++) {
      const kind = headPattern('mixed_heads', h);
      const y = attentionInputs(kind, h + 1, 256, 32, 3, true);
      const sl = (a: Float32Array) => Array.from(a.subarray(h * 256 * 32, (h + 1) * 256 * 32));
      expect(sl(x.q)).toEqual(sl(y.q));
      expect(sl(x.v)).toEqual(sl(y.v));
    }
    expect(new Set([0, 1, 2, 3].map((h) => headPattern('mixed_heads', h))).size).toBe(4);
  });
  it('seeded and finite at awkward sizes', () => {
    for (const kind of ['rope_local', 'vertical_slash', 'block_clusters', 'video3d'] as const) {
      const a = attentionInputs(kind, 2, 77, 20, 4, true);
      const b = attentionInputs(kind, 2, 77, 20, 4, true);
      expect(Array.from(a.k)).toEqual(Array.from(b.k));
      expect(a.q.every(Number.isFinite) && a.v.every(Number.isFinite)).toBe(true);
    }
  });
});
