import { describe, expect, it } from 'vitest';
import { testGpu } from '../../test/gpu';
import { bindGroup, emptyBuffer, readFloat32 } from './buffers';

describe('GPU errors are not silent', () => {
  it('a shader that fails to compile makes the read-back throw with the WGSL message', async () => {
    const gpu = await testGpu();
    const bad =
      '@group(0) @binding(0) var<storage, read_write> o: array<f32>;\n@compute @workgroup_size(1) fn main() { o[0] = undefined_name; }';
    const out = emptyBuffer(gpu.device, 'bad.out', 4);
    try {
      const p = gpu.pipeline('test-bad-shader', bad);
      const enc = gpu.device.createCommandEncoder();
      const pass = enc.beginComputePass();
      pass.setPipeline(p);
      pass.setBindGroup(0, bindGroup(gpu.device, p, 'bad', [out]));
      pass.dispatchWorkgroups(1);
      pass.end();
      gpu.device.queue.submit([enc.finish()]);
    } catch {
      // Some implementations throw synchronously; either way the read-back must not pretend all is well.
    }
    await expect(readFloat32(gpu.device, out, 1)).rejects.toThrow(/GPU kernel failed/);
    // And the error is consumed: the next read-back of a good buffer works.
    expect(await readFloat32(gpu.device, out, 1)).toHaveLength(1);
  });
});
