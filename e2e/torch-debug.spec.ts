// The Inside and Health views on a torch run, as on wasm (issue 13: the editor tells the backends apart only by
// the label and the speed): LeNet on torch held by Step, conv1 selected shows 20 feature maps that change between
// two snapshots, and the Health view every parameter layer's norms. Skipped, with the reason printed, where the
// engine has no torch. Time is never raced: the run is held by Step (start paused, one batch at a time).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, useEditor } from './harness';
import { debugProbe, fit, openTrainingPanel, select, stopLeftoverRun } from './ui';

const page = useEditor('torch-debug', { theme: 'dark', onFail: stopLeftoverRun });
const { id, runState, insideStep, digest, stepOnce } = debugProbe(page);

describe('visual debugging on the torch backend', () => {
  it('Inside view: conv1 of LeNet on torch shows 20 feature maps that change as the run steps; Health', async (ctx) => {
    await openTrainingPanel(page());
    const backend = id('train-backend-select');
    await expect.poll(() => backend.locator('option').count(), { timeout: 30_000 }).toBeGreaterThan(2);
    const rows = (await page().evaluate('window.__netloom.training.getState().engine.backends')) as {
      name: string;
      available: boolean;
      note?: string;
    }[];
    const torch = rows.find((r) => r.name === 'torch');
    if (!torch?.available) {
      const why = `the engine has no torch here: ${torch?.note ?? 'not listed'}`;
      console.warn(`skipped: ${why}`);
      return ctx.skip(why);
    }
    await backend.selectOption('torch');
    for (const [k, v] of Object.entries({ limit: '640', epochs: '1', batchSize: '64' })) await id(`train-${k}`).fill(v);
    await fit(page());
    await select(page(), 'conv1');
    await id('tab-inside').click();

    await stepOnce();
    expect(await id('train-run-backend').getAttribute('data-backend')).toBe('torch');
    await expect.poll(() => id('inside-grid').getAttribute('data-tiles'), { timeout: 60_000 }).toBe('20');
    await expect.poll(insideStep, { timeout: 30_000 }).toBe(1);
    const first = await digest();
    expect(await id('inside-stats').textContent()).toMatch(/mean .* zeros/);
    for (let i = 0; i < 3; i++) await stepOnce();
    await expect.poll(insideStep, { timeout: 30_000 }).toBe(4);
    expect(await digest()).not.toBe(first);
    await id('train-panel').screenshot({ path: path.join(ARTIFACTS, 'torch-debug-inside-dark.png') });

    await id('tab-health').click();
    await stepOnce();
    await expect
      .poll(async () => Number(await id('health-view').getAttribute('data-layers')), { timeout: 30_000 })
      .toBe(4); // conv1, conv2, dense1, dense2 own parameters
    await expect.poll(() => page().getByTestId('heat-strip').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await id('train-panel').screenshot({ path: path.join(ARTIFACTS, 'torch-debug-health-dark.png') });

    await id('train-stop').click();
    await expect.poll(runState, { timeout: 120_000 }).toBe('stopped');
  });
});
