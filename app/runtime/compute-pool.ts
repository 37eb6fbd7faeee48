/**
 * One compute worker per lab, created when the lab first runs: a long run in one lab (SAE training)
 * goes on while another lab is open, and a crash or cancel replaces only that lab's worker.
 *
 * A lab's worker that stays idle for `idleMs` (no call in flight — a paused run is in flight —, and
 * `keepAlive(lab)` false: the app says no when the lab is closed and nothing it shows still reads
 * from the worker) is shut down, releasing its GPU device; the next run starts a new one.
 */
import { LabClient, labWorker } from '../../workers/client';
import type { DeviceInfo } from '../../workers/lab.worker';

/** How long a lab's worker may sit idle before it is shut down. */
export const IDLE_MS = 60_000;

export class ComputePool {
  private readonly clients = new Map<string, LabClient>();
  private readonly timers = new Map<LabClient, ReturnType<typeof setTimeout>>();
  /** When each client was first seen idle and unneeded in the current stretch (null: not idle). */
  private readonly idleSince = new Map<LabClient, number>();
  private primary: LabClient | null = null;
  private device: Promise<DeviceInfo> | null = null;
  onNotice: ((message: string) => void) | null = null;
  private idle = IDLE_MS;
  /** Whether a lab's worker must stay up although nothing is in flight (set by the app). */
  keepAlive: (experiment: string) => boolean = () => false;

  constructor(
    private readonly pageBase: string,
    private readonly makeWorker: () => Worker = labWorker,
    private readonly now: () => number = () => Date.now(),
  ) {}

  private client(): LabClient {
    const c = new LabClient(this.pageBase, this.makeWorker);
    c.onNotice = (m) => this.onNotice?.(m);
    c.onSettled = () => this.watch(c);
    return c;
  }

  /** The worker that runs `experiment`. */
  for(experiment: string): LabClient {
    let c = this.clients.get(experiment);
    if (!c) {
      c = this.primary && !this.clients.size ? this.primary : this.client();
      this.clients.set(experiment, c);
      this.primary ??= c;
    }
    this.watch(c);
    return c;
  }

  /** The first worker: reports the device and parses dropped files. */
  main(): LabClient {
    this.primary ??= this.client();
    this.watch(this.primary);
    return this.primary;
  }

  /** The device, as the first worker found it (asked once; runs acquire their own worker's device). */
  deviceInfo(): Promise<DeviceInfo> {
    this.device ??= this.main().deviceInfo();
    this.device.catch(() => {
      this.device = null;
    });
    return this.device;
  }

  /** Idle time before a worker is shut down; the end-to-end tests shorten it (`sparselab.pool.idleMs`). */
  get idleMs(): number {
    return this.idle;
  }

  set idleMs(ms: number) {
    this.idle = ms;
    for (const c of this.timers.keys()) this.watch(c);
  }

  /** The labs whose worker is running now. */
  liveLabs(): string[] {
    return [...this.clients].filter(([, c]) => c.live).map(([exp]) => exp);
  }

  /** Checks `c` again in `idleMs`, restarting its idle clock. */
  private watch(c: LabClient): void {
    this.idleSince.delete(c);
    this.arm(c);
  }

  private arm(c: LabClient): void {
    const t = this.timers.get(c);
    if (t) clearTimeout(t);
    this.timers.set(
      c,
      setTimeout(() => this.check(c), Math.max(10, this.idle / 2)),
    );
  }

  private check(c: LabClient): void {
    this.timers.delete(c);
    if (!c.live) return;
    const labs = [...this.clients].filter(([, x]) => x === c).map(([exp]) => exp);
    const needed = c.busy || labs.some((exp) => this.keepAlive(exp));
    if (needed) {
      this.idleSince.delete(c);
      this.arm(c);
      return;
    }
    const since = this.idleSince.get(c);
    const now = this.now();
    if (since === undefined) this.idleSince.set(c, now);
    if (since !== undefined && now - since >= this.idle) {
      this.idleSince.delete(c);
      c.retire();
      return;
    }
    this.arm(c);
  }
}
