/** Adapter and device acquisition, in a browser worker or in Node (Dawn): one helper for both. */

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A CPU implementation such as SwiftShader: correct, but its timings say little about a GPU. */
  isSoftware: boolean;
  features: string[];
  limits: {
    maxBufferSize: number;
    maxStorageBufferBindingSize: number;
    maxComputeWorkgroupStorageSize: number;
    maxComputeInvocationsPerWorkgroup: number;
    maxComputeWorkgroupsPerDimension: number;
  };
}

export interface GpuContext {
  device: GPUDevice;
  adapter: AdapterSummary;
  hasTimestamps: boolean;
  /** Compiles once per key; later calls reuse the pipeline. */
  pipeline(key: string, code: string, constants?: Record<string, number>): GPUComputePipeline;
  /** Resolves with a reason when the device is lost. */
  lost: Promise<string>;
}

const uncaptured = new WeakMap<GPUDevice, string[]>();

/**
 * GPU errors raised outside any error scope (a shader that fails to compile, a bad binding), collected
 * per device and emptied by the caller. Read-backs check it, so a broken kernel throws instead of
 * silently returning zeros.
 */
export function takeGpuErrors(device: GPUDevice): string[] {
  const list = uncaptured.get(device) ?? [];
  uncaptured.set(device, []);
  return list;
}

export class GpuUnavailableError extends Error {
  override name = 'GpuUnavailableError';
}

export function summarize(adapter: GPUAdapter): AdapterSummary {
  const info = adapter.info ?? ({} as GPUAdapterInfo);
  const vendor = info.vendor ?? '';
  const architecture = info.architecture ?? '';
  const fallback = (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
  const text = `${vendor} ${architecture} ${info.device ?? ''} ${info.description ?? ''}`.toLowerCase();
  const l = adapter.limits;
  return {
    vendor,
    architecture,
    device: info.device ?? '',
    description: info.description ?? '',
    isSoftware: fallback || /swiftshader|llvmpipe|lavapipe|warp|software/.test(text),
    features: [...adapter.features].map(String).sort(),
    limits: {
      maxBufferSize: l.maxBufferSize,
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
    },
  };
}

export function adapterName(a: AdapterSummary): string {
  const name =
    [a.vendor, a.architecture, a.device].filter(Boolean).join(' ') || a.description || 'unknown adapter';
  return a.isSoftware ? `${name} (software)` : name;
}

export async function acquireGpu(gpu: GPU | undefined): Promise<GpuContext> {
  if (!gpu) throw new GpuUnavailableError('WebGPU is not available here (no navigator.gpu)');
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new GpuUnavailableError('WebGPU is present but no adapter was found');
  const summary = summarize(adapter);
  const hasTimestamps = adapter.features.has('timestamp-query');
  const device = await adapter.requestDevice({
    label: 'sparselab',
    requiredFeatures: hasTimestamps ? ['timestamp-query'] : [],
    requiredLimits: {
      maxBufferSize: adapter.limits.maxBufferSize,
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: adapter.limits.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: adapter.limits.maxComputeWorkgroupSizeX,
      maxComputeWorkgroupSizeY: adapter.limits.maxComputeWorkgroupSizeY,
      maxStorageBuffersPerShaderStage: adapter.limits.maxStorageBuffersPerShaderStage,
    },
  });
  uncaptured.set(device, []);
  device.addEventListener('uncapturederror', (ev) => {
    const msg = (ev as GPUUncapturedErrorEvent).error.message;
    uncaptured.get(device)?.push(msg);
  });
  const cache = new Map<string, GPUComputePipeline>();
  return {
    device,
    adapter: summary,
    hasTimestamps,
    lost: device.lost.then((i) => `the GPU device was lost (${i.reason}): ${i.message}`),
    pipeline(key, code, constants) {
      const full = constants ? `${key}|${JSON.stringify(constants)}` : key;
      let p = cache.get(full);
      if (!p) {
        const module = device.createShaderModule({ label: key, code });
        void module.getCompilationInfo().then((info) => {
          const errors = info.messages.filter((m) => m.type === 'error');
          if (errors.length) {
            uncaptured
              .get(device)
              ?.push(
                `WGSL ${key}: ${errors.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('; ')}`,
              );
          }
        });
        p = device.createComputePipeline({
          label: full,
          layout: 'auto',
          compute: { module, entryPoint: 'main', constants },
        });
        cache.set(full, p);
      }
      return p;
    },
  };
}

/** Would these many bytes (in one binding and in all) fit on this adapter? Returns a reason when not. */
export function checkFits(a: AdapterSummary, largestBinding: number, total: number): string | null {
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
  if (largestBinding > a.limits.maxStorageBufferBindingSize) {
    return `needs a ${mib(largestBinding)} buffer but this adapter binds at most ${mib(a.limits.maxStorageBufferBindingSize)}`;
  }
  if (largestBinding > a.limits.maxBufferSize) {
    return `needs a ${mib(largestBinding)} buffer but this adapter allows at most ${mib(a.limits.maxBufferSize)}`;
  }
  // No portable way to read free GPU memory: keep the total under a conservative 4 GiB.
  if (total > 4 * 2 ** 30)
    return `needs ${mib(total)} of GPU memory in all, more than this lab will allocate (4096 MiB)`;
  return null;
}
