/**
 * The real WebGPU adapter for kernel tests (Dawn in Node; SwiftShader on GPU-less machines).
 * There is no mock: when no adapter can be had, the test fails and says why.
 */
import type { GpuContext } from '../workers/gpu/device';
import { nodeGpu } from '../workers/gpu/node';

let ctx: Promise<GpuContext> | null = null;

export function testGpu(): Promise<GpuContext> {
  ctx ??= nodeGpu().catch((e: unknown) => {
    throw new Error(
      `no WebGPU adapter for the kernel tests (${String(e)}). Install Debian's chromium (for SwiftShader) and libvulkan1, or run on a machine with a GPU driver.`,
    );
  });
  return ctx;
}
