// One run's debugging: a step hook (engine/train's Trainer calls it) that measures every step's norms from
// the step's own gradients, feeds the health rules, and sends snapshots of watched blocks at most maxHz
// while training. Nothing is computed for blocks nobody watches; the probe pass runs between steps.
import type { InferResult } from '../core';
import {
  GradientTap,
  probeOutputs,
  type Model,
  type StepHook,
  type StepInfo,
  type StepNorms,
  type StepProbe,
} from '../runtime';
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

export class RunMonitor implements StepHook {
  readonly tap = new GradientTap();
  /** Before each update: keep full gradients only of parameters someone watches as 'gradient'. */
  readonly probe: StepProbe = {
    beforeUpdate: (vars) => {
      this.tap.capture.clear();
      for (const w of this.opts.watches())
        if (w.kinds.includes('gradient'))
          for (const p of watchedParams(this.model.net, w.blocks)) this.tap.capture.add(p.info.name);
      this.tap.beforeUpdate(vars);
    },
    afterUpdate: (vars, grads) => this.tap.afterUpdate(vars, grads),
  };
  readonly health: HealthMonitor;
  /** The last measured step's norms (and captured gradients), for snapshots taken later. */
  last: StepNorms | null = null;
  step = 0;
  private sent = new Map<string, number>();
  private healthSent = new Map<string, number>();
  private relus: string[];

  constructor(
    readonly model: Model,
    private readonly opts: MonitorOptions,
  ) {
    this.health = new HealthMonitor(model.net);
    this.relus = reluBlocks(model.net);
  }

  async afterStep(info: StepInfo): Promise<void> {
    this.step = info.step;
    if (!info.applied) return;
    const norms = await this.tap.read();
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
        w.deliverHealth(healthReport(this.model.net, norms, info.step));
      }
      if (w.blocks.length && w.kinds.some((k) => k !== 'health') && due(this.sent)) {
        this.sent.set(w.id, now);
        w.deliver(await this.snapshot(w));
      }
    }
  }

  /** A snapshot now (on demand: paused, or after the run). */
  snapshot(w: WatchSpec & { probe: ProbeBatch }): Promise<Snapshot> {
    return takeSnapshot(this.model, w.probe, w, this.step, this.last);
  }

  private async checkDead() {
    const p = this.opts.probe;
    const outs = await probeOutputs(this.model, p.input, p.shape[0], this.relus);
    for (const a of this.health.observeDead(outs, this.step)) this.opts.onAnomaly(a);
  }

  dispose(): void {
    this.tap.dispose();
  }
}
