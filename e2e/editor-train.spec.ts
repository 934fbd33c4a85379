// Training from the editor, as a user does it: LeNet on Fashion-MNIST from the Train panel, live curves,
// Step / Resume, re-attaching after a reload, the test accuracy at the end, a longer run held at a step and
// shown in both themes with a live learning rate and Stop, refusals and errors, and the engine dying mid-run.
// Time is never raced: a run is held where the spec wants it by Step while idle (the run starts paused and
// takes one batch) or by a pause point (`pauseAtStep`, set through the app's test hook), so these hold on a
// machine 10× faster or 3× slower.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, getDoc, useEditor } from './harness';
import { fit, openTrainingPanel, select, stopLeftoverRun, trainingProbe } from './ui';

const page = useEditor('train', { theme: 'dark', onFail: stopLeftoverRun });
const { id, step, runState } = trainingProbe(page);
const lossPoints = async () => Number(await id('chart-loss-train').getAttribute('data-points'));
const stepsPerEpoch = () =>
  page().evaluate('window.__netloom.training.getState().run.stepsPerEpoch') as Promise<number>;
/** A pause point the form does not offer, for the next Start only (the app's test hook). */
const pauseNextRunAt = (n: number) =>
  page().evaluate(`window.__netloom.training.getState().set({ startExtras: { pauseAtStep: ${n} } })`);
type Training = { training?: Record<string, unknown> };

const openPanel = openTrainingPanel;

async function settings(values: Record<string, string>) {
  for (const [k, v] of Object.entries(values)) await id(`train-${k}`).fill(v);
}

describe('training panel', () => {
  it('trains LeNet: Step while idle holds the run at one batch, a reload re-attaches, Resume ends with a test accuracy', async () => {
    await openPanel(page());
    // Defaults come from the document's training settings; the data set is found on disk.
    expect(await id('train-epochs').inputValue()).toBe('10');
    expect(await id('train-batchSize').inputValue()).toBe('128');
    expect(await id('train-lr').inputValue()).toBe('0.1');
    expect(await id('train-momentum').inputValue()).toBe('0.9');
    expect(await id('train-dataset').inputValue()).toBe('fashion-mnist');
    expect(await id('train-validation').inputValue()).toBe('10');
    expect(await id('train-schedule').inputValue()).toBe('constant');
    expect(await id('train-patience').inputValue()).toBe('');
    await expect.poll(() => id('train-availability').textContent(), { timeout: 10_000 }).toMatch(/on disk/);
    // 640 samples, 10 % held out for validation: 576 to train on = 9 batches of 64 (10 without the split).
    await settings({ limit: '640', epochs: '1', batchSize: '64' });

    await id('train-step').click();
    await expect.poll(step, { timeout: 60_000 }).toBe(1);
    await expect.poll(runState).toBe('paused');
    expect(await stepsPerEpoch()).toBe(9);
    // The run's settings are kept in the document (saved with the project); the form keeps its sample limit.
    const training = ((await getDoc(page())) as Training).training;
    expect(training).toMatchObject({ epochs: 1, batchSize: 64, lr: 0.1, optimizer: 'sgd' });
    expect(training).not.toHaveProperty('validationSplit'); // the default stays unspelled
    expect(await id('train-limit').inputValue()).toBe('640');
    expect(await lossPoints()).toBe(1);

    await id('train-step').click();
    await expect.poll(step).toBe(2);
    await expect.poll(runState).toBe('paused');

    // A reload (or a reconnect) asks the engine for its run: the panel comes back as it was, still held.
    await page().reload();
    await page().getByTestId('canvas').waitFor();
    await id('train-panel').waitFor({ timeout: 30_000 });
    await expect.poll(runState, { timeout: 30_000 }).toBe('paused');
    expect(await step()).toBe(2);
    expect(await lossPoints()).toBeGreaterThanOrEqual(1);
    expect(await id('train-caption').textContent()).toMatch(/640 samples.*10% validation/);

    expect(await id('train-pause').textContent()).toContain('Resume');
    await id('train-pause').click();
    await expect.poll(runState, { timeout: 60_000 }).toBe('done');
    const acc = Number(await id('train-test-acc').getAttribute('data-value'));
    expect(acc).toBeGreaterThan(0.1);
    expect(await id('train-final').textContent()).toMatch(/Test accuracy/);
    expect(await step()).toBe(9);
    expect(await id('epoch-table').locator('tbody tr').count()).toBe(1);
    // The epoch's held-out figures come from the validation split and say so.
    expect(await id('epoch-held-loss').textContent()).toBe('val loss');
    expect(await id('chart-loss-val').getAttribute('data-points')).toBe('1');
    expect(await id('chart-loss').textContent()).toContain('validation');
    await id('train-panel').screenshot({ path: path.join(ARTIFACTS, 'train-done-dark.png') });
  });

  it('holds a longer run at a pause point, shows it in both themes, keeps a schedule and early stop, applies a new learning rate live, and stops', async () => {
    // 2,048 samples, 10 % validation: 1,843 to train on = 29 batches of 64 per epoch; hold it in the second epoch.
    await settings({ limit: '2048', epochs: '10', batchSize: '64', patience: '3' });
    await id('train-schedule').selectOption('step');
    await settings({ stepEvery: '4', stepGamma: '0.5' });
    await pauseNextRunAt(29 + 10);
    await id('train-start').click();
    await expect.poll(runState, { timeout: 120_000 }).toBe('paused');
    expect(await step()).toBe(39);
    expect(await stepsPerEpoch()).toBe(29);
    expect(((await getDoc(page())) as Training).training).toMatchObject({
      schedule: { type: 'step', every: 4, gamma: 0.5 },
      earlyStop: { patience: 3 },
    });
    // Past the first epoch: a validation point and a row in the epoch table.
    expect(await id('epoch-table').locator('tbody tr').count()).toBe(1);
    expect(await id('chart-loss-val').getAttribute('data-points')).toBe('1');
    expect(await id('train-caption').textContent()).toMatch(/step lr · early stop 3/);
    await id('train-lr').fill('0.05');
    await id('train-lr').press('Enter');
    await expect.poll(() => id('train-status').textContent()).toContain('lr 0.05');
    await page().screenshot({ path: path.join(ARTIFACTS, 'train-dark.png') });
    await page().getByTestId('btn-theme').click();
    await page().screenshot({ path: path.join(ARTIFACTS, 'train-light.png') });
    await page().getByTestId('btn-theme').click();
    // Stop on a paused run: no batch more, and the test set is evaluated once.
    await id('train-stop').click();
    await expect.poll(runState, { timeout: 60_000 }).toBe('stopped');
    expect(Number(await id('train-test-acc').getAttribute('data-value'))).toBeGreaterThan(0.1);
    expect(await id('train-final').textContent()).toMatch(/Stopped · test accuracy/);
    expect(await step()).toBe(39);
    await id('train-schedule').selectOption('constant');
    await settings({ patience: '' });
  });

  it('refuses Start with the reason while the network has errors', async () => {
    await select(page(), 'conv1');
    await id('param-kernelSize').fill('40');
    await id('param-kernelSize').press('Enter');
    await expect.poll(() => page().getByTestId('status-errors').textContent()).toMatch(/problem/);
    expect(await id('train-start').isDisabled()).toBe(true);
    expect(await id('train-why').textContent()).toMatch(/The network has \d+ problems?: .*conv1/);
    await id('train-panel').screenshot({ path: path.join(ARTIFACTS, 'train-refused-dark.png') });
    await page().getByTestId('btn-undo').click();
    await expect.poll(() => id('train-start').isDisabled()).toBe(false);
  });

  it("shows the engine's refusal of a network that does not fit the data (E_CLASSES_MISMATCH)", async () => {
    await fit(page()); // the canvas is shorter with the panel open; off-screen nodes are not rendered
    await select(page(), 'dense2');
    await id('param-units').fill('5');
    await id('param-units').press('Enter');
    await id('train-start').click();
    await expect
      .poll(() => id('train-error').getAttribute('data-code'), { timeout: 30_000 })
      .toBe('E_CLASSES_MISMATCH');
    expect(await id('train-error').textContent()).toMatch(/outputs \(5\).*10 classes/);
    await page().getByTestId('btn-undo').click();
  });

  it('pauses on NaN, says where in a banner and rings the block on the canvas', async () => {
    await settings({ limit: '512', epochs: '1', batchSize: '64', lr: '1e30' });
    await id('train-start').click();
    await id('train-anomaly').waitFor({ timeout: 30_000 });
    await expect.poll(runState).toBe('paused');
    expect(await id('train-anomaly').textContent()).toMatch(/NaN at step \d+.*dense2/);
    await fit(page());
    expect(await page().getByTestId('node-dense2').getAttribute('class')).toContain('flagged');
    expect(await page().evaluate('window.__netloom.ui.getState().selected')).toEqual(['dense2']);
    await page().screenshot({ path: path.join(ARTIFACTS, 'train-anomaly-dark.png') });
    await id('train-stop').click();
    await expect.poll(runState, { timeout: 30_000 }).toBe('stopped');
    expect(await page().locator('.flagged').count()).toBe(0);
    await settings({ lr: '0.1' });
  });

  it('says the run was lost when the engine dies under it, and leaves the document alone', async () => {
    await settings({ limit: '512', epochs: '1', batchSize: '64' });
    await id('train-step').click(); // a run held after its first batch
    await expect.poll(step, { timeout: 60_000 }).toBe(1);
    await expect.poll(runState).toBe('paused');
    const doc = await getDoc(page());
    process.kill(page.session().server.engine.pid!, 'SIGKILL');
    await expect.poll(runState, { timeout: 15_000 }).toBe('lost');
    expect(await id('train-error').textContent()).toMatch(/run was lost.*document is untouched/);
    expect(await getDoc(page())).toEqual(doc);
    // A new engine process loads tfjs and probes its backends first: generous on a loaded machine.
    await expect
      .poll(() => page().getByTestId('engine-info').textContent(), { timeout: 120_000 })
      .toMatch(/Engine backend: \w+/);
    expect(await id('train-start').isDisabled()).toBe(false);
  });
});
