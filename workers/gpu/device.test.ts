import { describe, expect, it } from 'vitest';
import { testGpu } from '../../test/gpu';
import { bindGroup, emptyBuffer, readFloat32 } from './buffers';

describe('GPU errors are not silent', () => {
  it('a shader that fails to compile makes the read-back throw with the WGSL message', async () => {
    const gpu = await testGpu();
    const bad =
      '@group(0) @binding(0) var<storage, read_write> o: array<f32>;\n@compute @workgroup_size(1) fn main() { o[0] = undefined_name; }';
    const out = emptyBuffer(gpu.device, 'bad.out', 4);
    // WebGPU reports an invalid shader asynchronously (an error object, then a validation error), so
    // encoding and submitting must not throw here: a synchronous throw would be a bug of ours (e.g. in
    // bindGroup) and fails the test with its own message rather than being swallowed.
    const encodeAndSubmit = () => {
      const p = gpu.pipeline('test-bad-shader', bad);
      const enc = gpu.device.createCommandEncoder();
      const pass = enc.beginComputePass();
      pass.setPipeline(p);
      pass.setBindGroup(0, bindGroup(gpu.device, p, 'bad', [out]));
      pass.dispatchWorkgroups(1);
      pass.end();
      gpu.device.queue.submit([enc.finish()]);
    };
    expect(encodeAndSubmit).not.toThrow();
    // The read-back does not pretend all is well: it names the failure and the WGSL problem.
    await expect(readFloat32(gpu.device, out, 1)).rejects.toThrow(
      /GPU kernel failed.*(undefined_name|WGSL)/s,
    );
    // And the error is consumed: the next read-back of a good buffer works.
    expect(await readFloat32(gpu.device, out, 1)).toHaveLength(1);
  });
});
