// One run's debugging over a ModelAccess (tfjs in this process, or the torch runner): every step's norms from
// the step's own gradients feed the health rules, and snapshots of watched blocks go out at most maxHz while
// training. Nothing is computed for blocks nobody watches; the probe pass runs between steps.
import type { InferResult } from '../core';
import type { StepInfo, StepNorms } from '../runtime';
import type { ModelAccess } from './access';
import { reluBlocks } from './blocks';
import { HealthMonitor, type HealthAnomaly } from './health';
import { takeSnapshot, watchedParams, type ProbeBatch, type Snapshot, type WatchSpec } from './snapshot';

export interface Watch extends WatchSpec {
  id: string;
  maxHz: number;
  probe: ProbeBatch;
  deliver(s: Snapshot): void;
  deliverHealth?(h: HealthReport): void;
}

/** Every trainable parameter's norms after one step; `blocks[i]` is the owner of `names[i]`. */
export interface HealthReport {
  step: number;
  names: string[];
  blocks: string[];
  weightNorm: Float32Array;
  gradNorm: Float32Array;
  updateRatio: Float32Array;
}

export interface MonitorOptions {
  /** The default probe batch (the dead-ReLU rule runs on it). */
  probe: ProbeBatch;
  watches: () => Iterable<Watch>;
  onAnomaly(a: HealthAnomaly): void;
  /** The dead-ReLU rule runs every this many steps and at each epoch's end (default 100). */
  deadEvery?: number;
  now?: () => number;
  /** Called after the monitor has taken each step in (the CLI's --watch prints from it). */
  afterStep?(info: StepInfo, norms: StepNorms | null): Promise<void> | void;
}

export function healthReport(net: InferResult, norms: StepNorms, step: number): HealthReport {
  const owner = new Map(net.parameters.map((p) => [p.name, p.owner]));
  return {
    step,
    names: norms.names,
    blocks: norms.names.map((n) => owner.get(n) ?? n),
    weightNorm: norms.weightNorm,
    gradNorm: norms.gradNorm,
    updateRatio: norms.updateRatio,
  };
}

/** Watches one run through `access` from construction until dispose() (which disposes the access too). */
export class RunMonitor {
  readonly health: HealthMonitor;
  /** The last measured step's norms (and captured gradients), for snapshots taken later. */
  last: StepNorms | null = null;
  step = 0;
  private sent = new Map<string, number>();
  private healthSent = new Map<string, number>();
  private relus: string[];
  private off: () => void;

  constructor(
    readonly access: ModelAccess,
    private readonly opts: MonitorOptions,
  ) {
    this.health = new HealthMonitor(access.net);
    this.relus = reluBlocks(access.net);
    this.off = access.observe({
      // Full gradients are kept only of parameters someone watches as 'gradient'.
      capture: () =>
        [...opts.watches()]
          .filter((w) => w.kinds.includes('gradient'))
          .flatMap((w) => watchedParams(access.net, w.blocks).map((p) => p.info.name)),
      step: async (info, norms) => {
        await this.observe(info, norms);
        await opts.afterStep?.(info, norms);
      },
    });
  }

  private async observe(info: StepInfo, norms: StepNorms | null): Promise<void> {
    this.step = info.step;
    if (!norms) return;
    this.last = norms;
    for (const a of this.health.observe(norms, info.step)) this.opts.onAnomaly(a);
    const endOfEpoch = info.batch === info.batches - 1;
    if (this.relus.length && (info.step % (this.opts.deadEvery ?? 100) === 1 || endOfEpoch)) await this.checkDead();
    const now = this.opts.now ? this.opts.now() : performance.now(); // unbound, performance.now throws in Node
    const watches = [...this.opts.watches()];
    for (const w of watches) {
      const due = (sent: Map<string, number>) => now - (sent.get(w.id) ?? -Infinity) >= 1000 / w.maxHz;
      if (w.kinds.includes('health') && w.deliverHealth && due(this.healthSent)) {
        this.healthSent.set(w.id, now);
        w.deliverHealth(healthReport(this.access.net, norms, info.step));
      }
      if (w.blocks.length && w.kinds.some((k) => k !== 'health') && due(this.sent)) {
        this.sent.set(w.id, now);
        w.deliver(await this.snapshot(w));
      }
    }
  }

  /** A snapshot now (on demand: paused, or after the run). */
  snapshot(w: WatchSpec & { probe: ProbeBatch }): Promise<Snapshot> {
    return takeSnapshot(this.access, w.probe, w, this.step, this.last);
  }

  private async checkDead() {
    const p = this.opts.probe;
    const { outputs } = await this.access.inspect({
      input: p.input,
      shape: p.shape,
      paths: this.relus,
      values: [],
      grads: [],
    });
    for (const a of this.health.observeDead(outputs, this.step)) this.opts.onAnomaly(a);
  }

  dispose(): void {
    this.off();
    this.access.dispose();
  }
}
