// Training from the editor, as a user does it: LeNet on Fashion-MNIST from the Train panel, live curves,
// pause / step / resume, re-attaching after a reload, the test accuracy at the end, a longer run shown
// live in both themes with a live learning rate and Stop, refusals and errors, and the engine dying mid-run.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, getDoc, useEditor } from './harness';
import { fit, select } from './ui';

const page = useEditor('train', {
  theme: 'dark',
  onFail: async (p) => {
    if (
      await p
        .getByTestId('train-stop')
        .isEnabled()
        .catch(() => false)
    )
      await p.getByTestId('train-stop').click();
  },
});
const id = (t: string) => page().getByTestId(t);
const step = async () => Number(await id('train-stepcount').getAttribute('data-step'));
const runState = () => id('train-state').getAttribute('data-state');
const lossPoints = async () => Number(await id('chart-loss-train').getAttribute('data-points'));

async function openPanel(p: Page) {
  await expect
    .poll(() => p.getByTestId('engine-info').textContent(), { timeout: 30_000 })
    .toMatch(/Engine backend: \w+/);
  if (!(await p.getByTestId('train-panel').isVisible())) await p.getByTestId('btn-train').click();
  await p.getByTestId('train-panel').waitFor();
}

async function settings(values: Record<string, string>) {
  for (const [k, v] of Object.entries(values)) await id(`train-${k}`).fill(v);
}

/** Clicks Pause from inside the page the moment the first batch shows (a run of 8 batches is quick). */
const pauseAtFirstBatch = () =>
  page().evaluate(
    () =>
      new Promise<void>((resolve) => {
        const check = () => {
          const el = document.querySelector('[data-testid="train-stepcount"]');
          if (el && Number(el.getAttribute('data-step')) >= 1) {
            (document.querySelector('[data-testid="train-pause"]') as HTMLButtonElement).click();
            resolve();
          } else requestAnimationFrame(check);
        };
        check();
      }),
  );

describe('training panel', () => {
  it('trains LeNet: curves move, pause holds, step is one batch, a reload re-attaches, resume ends with a test accuracy', async () => {
    await openPanel(page());
    // Defaults come from the document's training settings; the data set is found on disk.
    expect(await id('train-epochs').inputValue()).toBe('10');
    expect(await id('train-batchSize').inputValue()).toBe('128');
    expect(await id('train-lr').inputValue()).toBe('0.1');
    expect(await id('train-momentum').inputValue()).toBe('0.9');
    expect(await id('train-dataset').inputValue()).toBe('fashion-mnist');
    await expect.poll(() => id('train-availability').textContent(), { timeout: 10_000 }).toMatch(/on disk|downloaded/);
    // 32 batches: long enough that a Pause clicked at the first batch lands mid-run at ~1,500 images/s
    await settings({ limit: '2048', epochs: '1', batchSize: '64' });

    await id('train-start').click();
    await pauseAtFirstBatch();
    await expect.poll(runState, { timeout: 30_000 }).toBe('paused');
    // The run's settings are kept in the document (saved with the project); the form keeps its sample limit.
    expect(((await getDoc(page())) as { training?: object }).training).toMatchObject({
      epochs: 1,
      batchSize: 64,
      lr: 0.1,
      optimizer: 'sgd',
    });
    expect(await id('train-limit').inputValue()).toBe('2048');
    const paused = await step();
    expect(paused).toBeGreaterThanOrEqual(1);
    expect(paused).toBeLessThan(32);
    expect(await lossPoints()).toBeGreaterThanOrEqual(1);
    expect(await id('train-rate').textContent()).toMatch(/\d/);
    await page().waitForTimeout(1000);
    expect(await step()).toBe(paused);

    await id('train-step').click();
    await expect.poll(step).toBe(paused + 1);
    await expect.poll(runState).toBe('paused');
    await page().waitForTimeout(700);
    expect(await step()).toBe(paused + 1);

    // A reload (or a reconnect) asks the engine for its run: the panel comes back as it was.
    await page().reload();
    await page().getByTestId('canvas').waitFor();
    await id('train-panel').waitFor({ timeout: 30_000 });
    await expect.poll(runState, { timeout: 30_000 }).toBe('paused');
    expect(await step()).toBe(paused + 1);
    expect(await lossPoints()).toBeGreaterThanOrEqual(1);
    expect(await id('train-caption').textContent()).toContain('2,048 samples');

    expect(await id('train-pause').textContent()).toContain('Resume');
    await id('train-pause').click();
    await expect.poll(runState, { timeout: 60_000 }).toBe('done');
    const acc = Number(await id('train-test-acc').getAttribute('data-value'));
    expect(acc).toBeGreaterThan(0.1);
    expect(await step()).toBe(32);
    expect(await id('epoch-table').locator('tbody tr').count()).toBe(1);
    expect(await id('chart-loss-val').getAttribute('data-points')).toBe('1');
    await id('train-panel').screenshot({ path: path.join(ARTIFACTS, 'train-done-dark.png') });
  });

  it('shows a longer run live in both themes, applies a new learning rate live, and stops', async () => {
    await settings({ limit: '4096', epochs: '10', batchSize: '64' }); // 640 batches: still running when Stop comes
    await id('train-start').click();
    // Mid-training: past the first epoch (so the validation point and the epoch table show).
    await expect.poll(step, { timeout: 90_000, interval: 100 }).toBeGreaterThan(64 + 20);
    expect(await runState()).toBe('running');
    await id('train-lr').fill('0.05');
    await id('train-lr').press('Enter');
    await expect.poll(() => id('train-status').textContent()).toContain('lr 0.05');
    await page().screenshot({ path: path.join(ARTIFACTS, 'train-dark.png') });
    await page().getByTestId('btn-theme').click();
    await page().screenshot({ path: path.join(ARTIFACTS, 'train-light.png') });
    await page().getByTestId('btn-theme').click();
    expect(await id('epoch-table').locator('tbody tr').count()).toBeGreaterThanOrEqual(1);
    await id('train-stop').click();
    await expect.poll(runState, { timeout: 60_000 }).toBe('stopped');
    expect(Number(await id('train-test-acc').getAttribute('data-value'))).toBeGreaterThan(0.1);
    expect(await step()).toBeLessThan(10 * 64);
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
    await settings({ limit: '2048', epochs: '1', batchSize: '64' }); // long enough to pause mid-run
    await id('train-start').click();
    await pauseAtFirstBatch();
    await expect.poll(runState, { timeout: 30_000 }).toBe('paused');
    const doc = await getDoc(page());
    process.kill(page.session().server.engine.pid!, 'SIGKILL');
    await expect.poll(runState, { timeout: 15_000 }).toBe('lost');
    expect(await id('train-error').textContent()).toMatch(/run was lost.*document is untouched/);
    expect(await getDoc(page())).toEqual(doc);
    await expect
      .poll(() => page().getByTestId('engine-info').textContent(), { timeout: 30_000 })
      .toMatch(/Engine backend: \w+/);
    expect(await id('train-start').isDisabled()).toBe(false);
  });
});
