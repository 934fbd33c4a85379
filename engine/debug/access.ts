// What a run's monitor reads the model through: the steps' norms as they happen, and on demand the outputs of
// chosen blocks on a probe batch, parameter values and the last step's gradients. Two implementations: tfjs in
// this process (below: runtime's GradientTap, probeOutputs, paramValues) and the torch runner (engine/host's
// torch-debug.ts, requests to the Python process). The statistics, rules and snapshots stay one definition here.
import type { InferResult } from '../core';
import {
  GradientTap,
  paramValues,
  probeOutputs,
  type BlockOutput,
  type Model,
  type StepHook,
  type StepInfo,
  type StepNorms,
  type StepProbe,
} from '../runtime';

export interface InspectRequest {
  /** The probe batch (N·C·H·W order) and its shape, for `paths`. */
  input: Float32Array;
  shape: readonly number[];
  /** Blocks whose outputs to return (inference mode, channels first). */
  paths: readonly string[];
  /** Gluon names whose current values to return. */
  values: readonly string[];
  /** Gluon names whose last step's gradients to return (those that have one). */
  grads: readonly string[];
}

export interface Inspection {
  /** The step the model was at, where the backend knows it better than the caller (a runner that trains on). */
  step?: number;
  outputs: Map<string, BlockOutput>;
  values: Map<string, Float32Array>;
  grads: Map<string, Float32Array>;
}

/** What receives the steps: the monitor. */
export interface StepSink {
  /** Gluon names whose full gradient the next step should keep (tfjs; the torch runner keeps them anyway). */
  capture(): Iterable<string>;
  /** Every step in order; `norms` null where the step measured nothing (a skipped, non-finite update). */
  step(info: StepInfo, norms: StepNorms | null): Promise<void>;
}

export interface ModelAccess {
  readonly net: InferResult;
  /** Starts delivering steps to `sink`; returns the switch that stops it. */
  observe(sink: StepSink): () => void;
  inspect(req: InspectRequest): Promise<Inspection>;
  dispose(): void;
}

/**
 * The tfjs model in this process. It is the trainer's step hook: `observe` adds it to `trainer` (the run waits
 * for each step's sink); without a trainer the caller drives `probe` and `afterStep` itself (the bench).
 */
export class TfjsAccess implements ModelAccess, StepHook {
  readonly tap = new GradientTap();
  private sink: StepSink | null = null;
  /** The last measured step's norms, with the gradients captured for the sink. */
  private last: StepNorms | null = null;

  constructor(
    readonly model: Model,
    private readonly trainer?: { addStepHook(h: StepHook): () => void },
  ) {}

  get net(): InferResult {
    return this.model.net;
  }

  /** Before each update: keep full gradients only of the parameters the sink asks for. */
  readonly probe: StepProbe = {
    beforeUpdate: (vars) => {
      this.tap.capture.clear();
      for (const n of this.sink?.capture() ?? []) this.tap.capture.add(n);
      this.tap.beforeUpdate(vars);
    },
    afterUpdate: (vars, grads) => this.tap.afterUpdate(vars, grads),
  };

  async afterStep(info: StepInfo): Promise<void> {
    const norms = info.applied ? await this.tap.read() : null;
    if (norms) this.last = norms;
    await this.sink?.step(info, norms);
  }

  observe(sink: StepSink): () => void {
    this.sink = sink;
    const off = this.trainer?.addStepHook(this);
    return () => {
      off?.();
      this.sink = null;
    };
  }

  async inspect(req: InspectRequest): Promise<Inspection> {
    const outputs = req.paths.length
      ? await probeOutputs(this.model, req.input, req.shape[0], req.paths)
      : new Map<string, BlockOutput>();
    const values = req.values.length ? await paramValues(this.model, req.values) : new Map<string, Float32Array>();
    const grads = new Map<string, Float32Array>();
    for (const n of req.grads) {
      const g = this.last?.grads.get(n);
      if (g) grads.set(n, g);
    }
    return { outputs, values, grads };
  }

  dispose(): void {
    this.tap.dispose();
  }
}
