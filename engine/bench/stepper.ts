// One training step of a benchmark network on real Fashion-MNIST batches (the batch fill counted, through the
// trainer's own step inputs): the loop `npm run bench` times and `--phases` dissects, written once.
import { inferNetwork } from '../core';
import { createFiller, loadDataset } from '../data';
import { Model, Optimizer, trainStep } from '../runtime';
import type { StepPhases } from '../runtime/step';
import { stepInputs } from '../train/step-input';

export interface Stepper {
  /** fill the next of 4 batches, then one SGD step; `clock` (if any) starts before the fill and marks 'fill'. */
  step(clock?: StepPhases & { start(): void; mark(p: 'fill'): void }): Promise<void>;
  dispose(): void;
}

export async function benchStepper(net: unknown, batch: number): Promise<Stepper> {
  const model = new Model(inferNetwork(net), 1);
  const opt = new Optimizer({ type: 'sgd', lr: 0.01, momentum: 0.9 });
  const data = await loadDataset({ source: 'fashion-mnist', limit: batch * 4 });
  const inputs = stepInputs(createFiller(data.train, data.inputShape, data.normalize), batch);
  let b = 0;
  return {
    async step(clock) {
      clock?.start();
      const x = inputs.next(null, (b++ % 4) * batch, batch);
      clock?.mark('fill');
      await trainStep(model, opt, x, inputs.y, batch, undefined, clock);
    },
    dispose() {
      model.dispose();
      opt.dispose();
    },
  };
}
