// The memory a network needs, estimated from inference alone (before any tensor exists): fp32 parameters plus
// one batch of fp32 activations. Training needs more (gradients, optimizer state, kept activations), so this is
// a lower bound: a network above the machine's memory cannot run at all. One definition for the editor's status
// bar and the CLI's refusal of networks too large to allocate.
import type { InferResult } from './index';

export function estimateMemoryBytes(r: Pick<InferResult, 'params' | 'activations'>, batch: number): number {
  return (r.params.trainable + r.params.nonTrainable) * 4 + r.activations * 4 * batch;
}
