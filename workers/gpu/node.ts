/**
 * WebGPU in Node through Dawn (the `webgpu` package), for the CLI, the benchmarks and the kernel tests.
 * On a machine without a GPU driver, Vulkan is pointed at Chromium's SwiftShader when it is installed.
 */
import { existsSync } from 'node:fs';
import { acquireGpu, type GpuContext } from './device';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Dawn's instance, held while a device may be in use. */
const held: { gpu: unknown } = { gpu: null };

export async function nodeGpu(): Promise<GpuContext> {
  // A real GPU shows up as a device node; without one, use SwiftShader (Debian's lavapipe is too old for Dawn).
  const hasGpu = ['/dev/nvidia0', '/dev/dri/renderD128', '/dev/kfd'].some((p) => existsSync(p));
  const mode = process.env.SPARSELAB_VULKAN; // 'system' or 'swiftshader' forces the choice
  if (
    !process.env.VK_ICD_FILENAMES &&
    mode !== 'system' &&
    (mode === 'swiftshader' || !hasGpu) &&
    existsSync(SWIFTSHADER_ICD)
  ) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  process.env.XDG_RUNTIME_DIR ??= '/tmp';
  const webgpu = (await import('webgpu')) as unknown as {
    create(flags: string[]): GPU;
    globals: Record<string, unknown>;
  };
  Object.assign(globalThis, webgpu.globals);
  const gpu = webgpu.create([]);
  held.gpu = gpu;
  return acquireGpu(gpu);
}

/** The Dawn `GPU` object behind nodeGpu(), for peers that want `navigator.gpu` (TensorFlow.js). */
export function nodeGpuInstance(): GPU | null {
  return held.gpu as GPU | null;
}

/** Lets the process exit: Dawn keeps Node alive while its instance lives. */
export function releaseNodeGpu(ctx?: GpuContext): void {
  ctx?.device.destroy();
  held.gpu = null;
}
