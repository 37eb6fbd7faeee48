/**
 * One compute worker per lab, created when the lab first runs: a long run in one lab (SAE training)
 * goes on while another lab is open, and a crash or cancel replaces only that lab's worker.
 */
import { LabClient } from '../../workers/client';
import type { DeviceInfo } from '../../workers/lab.worker';

export class ComputePool {
  private readonly clients = new Map<string, LabClient>();
  private primary: LabClient | null = null;
  onNotice: ((message: string) => void) | null = null;

  constructor(private readonly pageBase: string) {}

  /** The worker that runs `experiment`. */
  for(experiment: string): LabClient {
    let c = this.clients.get(experiment);
    if (!c) {
      c = this.primary && !this.clients.size ? this.primary : new LabClient(this.pageBase);
      c.onNotice = (m) => this.onNotice?.(m);
      this.clients.set(experiment, c);
      this.primary ??= c;
    }
    return c;
  }

  /** The first worker: reports the device and parses dropped files. */
  main(): LabClient {
    this.primary ??= new LabClient(this.pageBase);
    this.primary.onNotice = (m) => this.onNotice?.(m);
    return this.primary;
  }

  deviceInfo(): Promise<DeviceInfo> {
    return this.main().deviceInfo();
  }
}
