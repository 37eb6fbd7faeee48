/** Which adapter the worker found (or why there is none), and the backend choice. */
import { adapterName } from '../../workers/gpu/device';
import { useLab } from '../store/context';

export function DeviceBadge() {
  const device = useLab((s) => s.device);
  if (!device)
    return (
      <span className="badge pending" data-testid="device-badge">
        Looking for a GPU…
      </span>
    );
  if (!device.adapter) {
    return (
      <span className="badge warn" data-testid="device-badge" title={device.error ?? ''}>
        No WebGPU: CPU backend
      </span>
    );
  }
  const a = device.adapter;
  const limits = `max buffer ${(a.limits.maxStorageBufferBindingSize / 2 ** 20).toFixed(0)} MiB · workgroup memory ${(a.limits.maxComputeWorkgroupStorageSize / 1024).toFixed(0)} KiB · ${a.limits.maxComputeInvocationsPerWorkgroup} invocations`;
  return (
    <span
      className={`badge ${a.isSoftware ? 'soft' : 'ok'}`}
      data-testid="device-badge"
      title={`${a.description}\n${limits}\nfeatures: ${a.features.join(', ')}`}
    >
      WebGPU: {adapterName(a)}
    </span>
  );
}

export function BackendPicker() {
  const backend = useLab((s) => s.backend);
  const device = useLab((s) => s.device);
  const setBackend = useLab((s) => s.setBackend);
  return (
    <label className="backend-picker">
      Backend{' '}
      <select
        value={backend}
        onChange={(e) => setBackend(e.target.value as 'webgpu' | 'cpu')}
        aria-label="Compute backend"
      >
        <option value="webgpu" disabled={device !== null && !device.adapter}>
          WebGPU
        </option>
        <option value="cpu">CPU (reference)</option>
      </select>
    </label>
  );
}
