// `--workers auto` of predict/evaluate, in process (real tfjs-wasm workers, real Fashion-MNIST): the engine's thread
// predicts the first batch and times it; with more one-thread work left than the threshold the workers start while
// it goes on and take over once started, giving the engine's outputs (to 1e-5); below it they never start. The
// threshold is passed in (0 here) so that which path runs does not depend on this machine's speed.
import { afterAll, describe, expect, it } from 'vitest';
import { loadTemplate } from '../../templates';
import { createFiller, getPart } from '../data';
import { predictBatch } from '../runtime';
import { openSession } from '../train';
import { autoWorkers } from '../train/workers-choice';
import { inferenceWorkers } from './predict-workers';

const skip = autoWorkers() < 2 ? `one physical core here: 'auto' never starts workers` : null;
if (skip) console.log(`predict --workers auto takeover test skipped: ${skip}`);

describe('inferenceWorkers auto', { timeout: 300_000 }, async () => {
  const session = await openSession({ doc: loadTemplate('lenet'), backend: 'wasm', seed: 1, validationSplit: 0 });
  afterAll(() => session.model.dispose());
  const split = getPart(session.data, 'test');
  const filler = createFiller(split, session.data.inputShape, session.data.normalize);
  const batch = (start: number) => {
    const x = new Float32Array(256 * filler.sampleSize),
      y = new Int32Array(256);
    filler.fill(null, start, 256, x, y);
    return x;
  };

  it.skipIf(skip)(
    'threshold 0: the workers start after the first batch and predict the next as the engine would',
    async () => {
      const w = await inferenceWorkers(session, 'auto', 512, { autoMinMs: 0 });
      try {
        const x0 = batch(0),
          x1 = batch(256);
        await w.predict(session.model, x0, 256);
        expect(w.started, 'the first batch started the workers').toBeDefined();
        await w.started;
        const got = await w.predict(session.model, x1, 256);
        expect(w.summary()).toBe(
          `workers: auto: ${autoWorkers()} data-parallel workers predicted 256 of 512 samples (the engine's thread the first 256, while they started)`,
        );
        const want = await predictBatch(session.model, x1, 256);
        expect(got.classes).toBe(want.classes);
        let worst = 0;
        want.logits.forEach((v, i) => (worst = Math.max(worst, Math.abs(got.logits[i] - v))));
        expect(worst).toBeLessThanOrEqual(1e-5);
      } finally {
        await w.close();
      }
    },
  );

  it('below the threshold no worker starts, and the summary says why', async () => {
    const w = await inferenceWorkers(session, 'auto', 512, { autoMinMs: 3_600_000 });
    await w.predict(session.model, batch(0), 256);
    await w.predict(session.model, batch(256), 256);
    expect(w.started).toBeUndefined();
    expect(w.summary()).toMatch(
      skip
        ? /^workers: 1 \(auto: one physical core here\)$/
        : /^workers: 1 \(auto: the first batch says about \d+(\.\d)? s of one thread for the rest, below the 3600 s that pays for starting \d workers\)$/,
    );
    await w.close();
  });
});
