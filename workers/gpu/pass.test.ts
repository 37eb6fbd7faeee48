import { describe, expect, it } from 'vitest';
import { testGpu } from '../../test/gpu';
import { readFloat32 } from './buffers';
import { encodeOps, grid, PassList, program } from './pass';

const prelude = 'fn twice(x: f32) -> f32 { return 2.0 * x; }';
const body = `
override WG: u32 = 64u;
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read_write> b: array<f32>;
@compute @workgroup_size(WG) fn main(@builtin(global_invocation_id) g: vec3u) {
  if (g.x < arrayLength(&a)) { b[g.x] = b[g.x] + twice(a[g.x]); }
}`;

describe('PassList: one description of GPU work', () => {
  it('runs a program with a prelude and an override workgroup size, clears and copies in order', async () => {
    const gpu = await testGpu();
    const list = new PassList(gpu, 'pass-test');
    const n = 1000; // not a multiple of the workgroup size
    const a = Float32Array.from({ length: n }, (_, i) => i - 300);
    const ab = list.data('a', a);
    const bb = list.data('b', new Float32Array(n).fill(7));
    const cb = list.empty('c', n * 4);
    const p = program('pass-test-twice', body, { prelude: [prelude], constants: { WG: 32 } });
    // clear b, add 2a twice (one pass holds both dispatches), copy to c, then add once more to b.
    list
      .clear(bb)
      .add(p, [ab, bb], [Math.ceil(n / 32)])
      .add(p, [ab, bb], [Math.ceil(n / 32)]);
    list.copy(bb, cb, n * 4).add(p, [ab, bb], [Math.ceil(n / 32)]);
    list.add(p, [ab, bb], [0]); // an empty grid records nothing
    expect(list.ops.map((o) => o.kind)).toEqual(['clear', 'dispatch', 'dispatch', 'copy', 'dispatch']);
    list.run();
    const b = await readFloat32(gpu.device, bb, n);
    const c = await readFloat32(gpu.device, cb, n);
    for (let i = 0; i < n; i++) {
      expect(c[i]).toBe(4 * a[i]);
      expect(b[i]).toBe(6 * a[i]);
    }
    expect(list.bytes).toBeGreaterThanOrEqual(3 * n * 4);
    list.destroy();
    expect(list.ops).toHaveLength(0);
  });

  it('refuses a grid WebGPU cannot dispatch, naming the work', async () => {
    const gpu = await testGpu();
    const list = new PassList(gpu, 'too-big');
    const p = program('pass-test-twice', body);
    const x = list.empty('x', 16);
    expect(() => list.add(p, [x, x], [70000])).toThrow(/too-big.*70000/);
    list.destroy();
  });

  it('grid splits large counts into x ≤ 65535', () => {
    expect(grid(100, 64)).toEqual([2, 1]);
    const [x, y] = grid(65536 * 256 * 3, 256);
    expect(x).toBeLessThanOrEqual(65535);
    expect(x * y * 256).toBeGreaterThanOrEqual(65536 * 256 * 3);
  });

  it('encodeOps with timestamps opens no pass for clears and copies', () => {
    // Only the shape of the encoding is checked here; the GPU test above checks the numbers.
    const calls: string[] = [];
    const fakePass = {
      setPipeline: () => calls.push('pipe'),
      setBindGroup: () => undefined,
      dispatchWorkgroups: () => calls.push('dispatch'),
      end: () => calls.push('end'),
    };
    const enc = {
      beginComputePass: (d: GPUComputePassDescriptor) => {
        calls.push(d.timestampWrites ? `begin(${Object.keys(d.timestampWrites).sort().join(',')})` : 'begin');
        return fakePass;
      },
      clearBuffer: () => calls.push('clear'),
      copyBufferToBuffer: () => calls.push('copy'),
    } as unknown as GPUCommandEncoder;
    const d = { kind: 'dispatch', pipeline: {}, group: {}, x: 1, y: 1, z: 1 } as never;
    const c = { kind: 'clear', buffer: {} } as never;
    const qs = {} as GPUQuerySet;
    encodeOps(enc, [d, d, c, d], 'x', {
      begin: { querySet: qs, beginningOfPassWriteIndex: 0 },
      end: { querySet: qs, endOfPassWriteIndex: 1 },
    });
    expect(calls).toEqual([
      'begin(beginningOfPassWriteIndex,querySet)',
      'pipe',
      'dispatch',
      'pipe',
      'dispatch',
      'end',
      'clear',
      'begin(endOfPassWriteIndex,querySet)',
      'pipe',
      'dispatch',
      'end',
    ]);
  });
});
