/** Small helpers for the buffers every kernel wrapper needs. */
import { takeGpuErrors } from './device';

export function storageBuffer(
  device: GPUDevice,
  label: string,
  data: Float32Array | Uint32Array | Int32Array,
): GPUBuffer {
  const buf = device.createBuffer({
    label,
    size: Math.max(16, align4(data.byteLength)),
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    mappedAtCreation: true,
  });
  const ctor = data.constructor as { new (b: ArrayBuffer): Float32Array | Uint32Array | Int32Array };
  new ctor(buf.getMappedRange(0, align4(data.byteLength))).set(data);
  buf.unmap();
  return buf;
}

export function emptyBuffer(device: GPUDevice, label: string, bytes: number): GPUBuffer {
  return device.createBuffer({
    label,
    size: Math.max(16, align4(bytes)),
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
  });
}

/** A uniform buffer from 32-bit words; `u32` for counts, `f32` for reals, in declaration order. */
export function uniformBuffer(
  device: GPUDevice,
  label: string,
  words: Array<{ u32: number } | { f32: number }>,
): GPUBuffer {
  const bytes = align16(words.length * 4);
  const ab = new ArrayBuffer(bytes);
  const dv = new DataView(ab);
  words.forEach((w, i) => {
    if ('u32' in w) dv.setUint32(i * 4, w.u32, true);
    else dv.setFloat32(i * 4, w.f32, true);
  });
  const buf = device.createBuffer({
    label,
    size: bytes,
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
  device.queue.writeBuffer(buf, 0, ab);
  return buf;
}

export async function readFloat32(device: GPUDevice, src: GPUBuffer, count: number): Promise<Float32Array> {
  return new Float32Array(await readBytes(device, src, count * 4));
}

export async function readUint32(device: GPUDevice, src: GPUBuffer, count: number): Promise<Uint32Array> {
  return new Uint32Array(await readBytes(device, src, count * 4));
}

async function readBytes(device: GPUDevice, src: GPUBuffer, bytes: number): Promise<ArrayBuffer> {
  const size = Math.max(16, align4(bytes));
  const staging = device.createBuffer({
    label: `${src.label}:read`,
    size,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  const enc = device.createCommandEncoder({ label: 'readback' });
  enc.copyBufferToBuffer(src, 0, staging, 0, size);
  device.queue.submit([enc.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const out = staging.getMappedRange(0, bytes).slice(0);
  staging.unmap();
  staging.destroy();
  const errors = takeGpuErrors(device);
  if (errors.length)
    throw new Error(
      `a GPU kernel failed: ${errors[0].split('\n')[0]}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`,
    );
  return out;
}

export function bindGroup(
  device: GPUDevice,
  pipeline: GPUComputePipeline,
  label: string,
  buffers: GPUBuffer[],
): GPUBindGroup {
  return device.createBindGroup({
    label,
    layout: pipeline.getBindGroupLayout(0),
    entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
}

/** Records one compute pass with a single dispatch. */
export function dispatch(
  enc: GPUCommandEncoder,
  pipeline: GPUComputePipeline,
  group: GPUBindGroup,
  x: number,
  y = 1,
  z = 1,
  timestampWrites?: GPUComputePassTimestampWrites,
): void {
  const pass = enc.beginComputePass({ label: pipeline.label, timestampWrites });
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, group);
  pass.dispatchWorkgroups(x, y, z);
  pass.end();
}

export const align4 = (n: number) => Math.ceil(n / 4) * 4;
export const align16 = (n: number) => Math.ceil(n / 16) * 16;
export const ceilDiv = (a: number, b: number) => Math.ceil(a / b);
