// The memory a network needs, estimated from inference alone (before any tensor exists): fp32 parameters plus
// one batch of fp32 activations, plus, with W data-parallel workers, each worker's replica of the parameters and
// its gradient slot (the engine keeps its own copy; the batch's activations are split across the workers, so they
// count once). Training needs more (optimizer state, kept activations), so this is a lower bound: a network above
// the machine's memory cannot run at all. One definition for the editor's status bar and the CLI's refusal of
// networks too large to allocate.
import type { InferResult } from './index';

export interface MemoryParts {
  params: number;
  /** W workers × (a replica of every parameter + a gradient of every trainable one); 0 with one worker. */
  replicas: number;
  activations: number;
}

export function memoryParts(r: Pick<InferResult, 'params' | 'activations'>, batch: number, workers = 1): MemoryParts {
  const params = (r.params.trainable + r.params.nonTrainable) * 4;
  return {
    params,
    replicas: workers > 1 ? workers * (params + r.params.trainable * 4) : 0,
    activations: r.activations * 4 * batch,
  };
}

export function estimateMemoryBytes(
  r: Pick<InferResult, 'params' | 'activations'>,
  batch: number,
  workers = 1,
): number {
  const m = memoryParts(r, batch, workers);
  return m.params + m.replicas + m.activations;
}
