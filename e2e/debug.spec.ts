// Visual debugging in the editor, as a user does it: LeNet on a slice of Fashion-MNIST held step by step, conv1
// selected shows a 20-tile feature-map grid that changes between two snapshots; the Health view's norms; the
// confusion matrix after the run, a cell clicked for its images; the run kept in Runs; a deep plain sigmoid MLP
// (opened through the app's Open) gets vanishing gradients flagged on the canvas and in Problems, and the same
// depth with ReLU and BatchNorm gets none, its first layer's gradient norm above the sigmoid one's (the seed's
// reason for ResNet); and the renderer's long tasks while training with the Inside and Health views open,
// recorded in e2e/artifacts.
// Time is never raced: runs are held by Step while idle (start paused, one batch) and by pause points.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, getDoc, useEditor } from './harness';
import { debugProbe, fit, openTrainingPanel, select, settled, stopLeftoverRun } from './ui';

const page = useEditor('debug', { theme: 'dark', onFail: stopLeftoverRun });
const { id, runState, step, insideStep, digest, stepOnce } = debugProbe(page);

async function openPanel(p: Page) {
  await openTrainingPanel(p);
  await expect.poll(() => p.getByTestId('train-availability').textContent(), { timeout: 30_000 }).toMatch(/on disk/);
}

async function settings(values: Record<string, string>) {
  for (const [k, v] of Object.entries(values)) await id(`train-${k}`).fill(v);
}

async function shoot(name: string) {
  await page().evaluate(() => document.fonts.ready);
  await id('train-panel').screenshot({ path: path.join(ARTIFACTS, `${name}-dark.png`) });
  await page().getByTestId('btn-theme').click();
  await id('train-panel').screenshot({ path: path.join(ARTIFACTS, `${name}-light.png`) });
  await page().getByTestId('btn-theme').click();
}

/** A deep plain sigmoid MLP: ten Dense(64, sigmoid) then Dense(10) — the seed's case for ResNet. */
const DEEP_SIGMOID = {
  format: 'netloom/network',
  version: 1,
  name: 'Deep sigmoid MLP',
  input: { shape: [1, 28, 28] },
  root: {
    kind: 'sequential',
    id: 'net',
    children: [
      ...Array.from({ length: 10 }, (_, i) => ({
        kind: 'layer',
        id: `d${i + 1}`,
        type: 'Dense',
        params: { units: 64, activation: 'sigmoid' },
      })),
      { kind: 'layer', id: 'out', type: 'Dense', params: { units: 10 } },
    ],
  },
  training: { dataset: 'fashion-mnist', optimizer: 'sgd', lr: 0.1, momentum: 0.9, batchSize: 64, epochs: 1 },
};

/** The same depth with ReLU and BatchNorm: ten Dense(64) → BatchNorm → ReLU, then Dense(10). */
const DEEP_RELU_BN = {
  ...DEEP_SIGMOID,
  name: 'Deep ReLU + BatchNorm MLP',
  root: {
    kind: 'sequential',
    id: 'net',
    children: [
      ...Array.from({ length: 10 }, (_, i) => [
        { kind: 'layer', id: `d${i + 1}`, type: 'Dense', params: { units: 64 } },
        { kind: 'layer', id: `bn${i + 1}`, type: 'BatchNorm', params: { momentum: 0.9, epsilon: 1e-5 } },
        { kind: 'layer', id: `r${i + 1}`, type: 'Activation', params: { activation: 'relu' } },
      ]).flat(),
      { kind: 'layer', id: 'out', type: 'Dense', params: { units: 10 } },
    ],
  },
};

/** Opens a network document through the app's Open (the fake file system), discarding the current one. */
async function openDoc(doc: object, name: string, first: string) {
  await page().evaluate(
    ([d, n]) => {
      const w = window as unknown as { __files: Map<string, string>; __openName: string };
      w.__files.set(n, JSON.stringify(d));
      w.__openName = n;
    },
    [doc, name] as const,
  );
  await page().getByTestId('btn-open').click();
  if (await page().getByTestId('confirm-discard-ok').isVisible())
    await page().getByTestId('confirm-discard-ok').click();
  await page().getByTestId(`node-${first}`).waitFor();
}

/**
 * The deep MLPs train alike: 1,024 samples, batch 64, SGD as the document says, held at step 12 (deterministic:
 * the same number of steps whatever the machine's speed), the Health view open.
 */
async function trainTwelveSteps() {
  await openPanel(page()); // open already after the tests before; these two also run alone (-t)
  await settings({ limit: '1024', epochs: '1', batchSize: '64' });
  await page().evaluate('window.__netloom.training.getState().set({ startExtras: { pauseAtStep: 12 } })');
  await id('tab-health').click();
  await id('train-start').click();
  await expect.poll(runState, { timeout: 120_000 }).toBe('paused');
  expect(await step()).toBe(12);
}

/**
 * The first layer's gradient norm as the Health view has it (the engine's health events, sent at most 10 times
 * a second, so which steps arrived depends on speed): the median over the steps it has. Waits for one.
 */
async function firstGrad(): Promise<number> {
  const read = () =>
    page().evaluate(`(() => {
      const h = window.__netloom.debug.getState().health;
      if (h.runId !== window.__netloom.training.getState().run.runId) return null; // the last run's, until replaced
      const l = h.layers.find((l) => l.block === 'd1');
      const g = l ? [...l.grad].sort((a, b) => a - b) : [];
      return g.length ? g[Math.floor(g.length / 2)] : null;
    })()`) as Promise<number | null>;
  await expect.poll(read, { timeout: 30_000 }).not.toBeNull();
  return (await read())!;
}

type Warning = { path: string; kind: string };
/** Set by the sigmoid MLP's test, compared by the ReLU + BatchNorm one. */
let sigmoidFirstGrad: number | null = null;

describe('visual debugging', () => {
  it('Inside view: conv1 of LeNet shows 20 feature maps that change as the run steps; Health; Evaluation; Runs', async () => {
    await openPanel(page());
    // 640 samples, 10 % held out: 9 batches of 64.
    await settings({ limit: '640', epochs: '1', batchSize: '64' });
    await fit(page());
    await select(page(), 'conv1');
    await id('tab-inside').click();
    expect(await id('inside-view').getAttribute('data-path')).toBe('conv1');

    await stepOnce();
    await expect.poll(() => id('inside-grid').getAttribute('data-tiles'), { timeout: 60_000 }).toBe('20');
    await expect.poll(insideStep, { timeout: 30_000 }).toBe(1);
    const first = await digest();
    expect(await id('inside-sample').textContent()).toMatch(/image 1 \/ 8/);
    expect(await id('probe-image').isVisible()).toBe(true);
    expect(await id('inside-stats').textContent()).toMatch(/mean .* zeros/);

    for (let i = 0; i < 3; i++) await stepOnce();
    await expect.poll(insideStep, { timeout: 30_000 }).toBe(4);
    expect(await digest()).not.toBe(first);
    const atFour = await digest();
    await id('inside-next').click();
    await expect.poll(() => id('inside-sample').textContent()).toMatch(/image 2 \/ 8/);
    expect(await digest()).not.toBe(atFour);
    await shoot('debug-inside');

    // Health: every parameter layer's norms since the health subscription began (the run's start).
    await id('tab-health').click();
    await stepOnce();
    await expect
      .poll(async () => Number(await id('health-view').getAttribute('data-layers')), { timeout: 30_000 })
      .toBe(4); // conv1, conv2, dense1, dense2 own parameters
    await expect
      .poll(async () => Number(await page().getByTestId('heat-strip').count()), { timeout: 30_000 })
      .toBeGreaterThan(0);
    await shoot('debug-health');

    // Evaluation while paused: the confusion matrix over the first 1,000 test images, then a cell's images.
    await id('tab-evaluation').click();
    await id('eval-run').click();
    await id('confusion').waitFor({ timeout: 120_000 });
    expect(Number(await id('eval-accuracy').getAttribute('data-value'))).toBeGreaterThanOrEqual(0);
    expect(await id('confusion').locator('th.true').first().textContent()).toMatch(/T-shirt|top/i);
    const worst = (await page().evaluate(`(() => {
      const r = window.__netloom.debug.getState().evaluation, C = r.classes.length;
      let best = [0, 1, -1];
      for (let i = 0; i < C; i++) for (let j = 0; j < C; j++)
        if (i !== j && r.confusion[i * C + j] > best[2]) best = [i, j, r.confusion[i * C + j]];
      return best;
    })()`)) as [number, number, number];
    expect(worst[2]).toBeGreaterThan(0);
    await id(`confusion-${worst[0]}-${worst[1]}`).click();
    await expect.poll(() => id('cell-caption').textContent()).toMatch(/predicted as/);
    await expect
      .poll(() => id('cell-gallery').locator('canvas.sample-image').count(), { timeout: 30_000 })
      .toBeGreaterThan(0);
    await shoot('debug-evaluation');

    // The run ends: it is kept with the document and can be shown in Runs.
    await id('train-pause').click(); // Resume
    await expect.poll(runState, { timeout: 120_000 }).toBe('done');
    await id('tab-runs').click();
    await expect.poll(() => page().getByTestId('run-row').count()).toBe(1);
    // Kept in the document (its view state), so Save writes it into the project.
    const runs = ((await getDoc(page())) as { view?: { runs?: { steps: number }[] } }).view?.runs ?? [];
    expect(runs.map((r) => r.steps)).toEqual([9]);
    await page().getByTestId('run-row').locator('input[type=checkbox]').check();
    await expect.poll(() => id('runs-compare').getAttribute('data-runs')).toBe('1');
    await shoot('debug-runs');
  });

  it('shows a block inside an opened Residual (b2/r1/conv1 of ResNet-18-small)', async () => {
    await page().evaluate("window.__netloom.openTemplate('resnet18-small', true)");
    await page().getByTestId('open-b2/r1').waitFor();
    await page().getByTestId('open-b2/r1').click();
    await settled(page());
    await select(page(), 'b2/r1/conv1');
    await id('tab-inside').click();
    expect(await id('inside-view').getAttribute('data-path')).toBe('b2/r1/conv1');
    await settings({ limit: '256', epochs: '1', batchSize: '32' });
    await stepOnce();
    await expect
      .poll(async () => Number(await id('inside-grid').getAttribute('data-tiles')), { timeout: 120_000 })
      .toBeGreaterThan(0);
    await shoot('debug-inside-residual');
    await id('train-stop').click();
    await expect.poll(runState, { timeout: 60_000 }).toBe('stopped');
    await page().getByTestId('breadcrumb').locator('.crumb').first().click();
    await page().evaluate("window.__netloom.openTemplate('lenet')");
    await page().getByTestId('node-conv2').waitFor();
  });

  it('stays responsive while training with the Inside and Health views open (long tasks recorded)', async () => {
    await id('tab-inside').click();
    await fit(page());
    await select(page(), 'conv2');
    // 2,048 samples, 10 % validation: 29 batches of 64; held at step 24 so the run cannot end while measured.
    await settings({ limit: '2048', epochs: '1', batchSize: '64' });
    await page().evaluate('window.__netloom.training.getState().set({ startExtras: { pauseAtStep: 24 } })');
    await page().evaluate(`(() => {
      window.__longTasks = [];
      window.__longObserver = new PerformanceObserver((l) => {
        for (const e of l.getEntries()) window.__longTasks.push(Math.round(e.duration));
      });
      window.__longObserver.observe({ type: 'longtask' });
    })()`);
    const t0 = Date.now();
    await id('train-start').click();
    await expect.poll(() => id('inside-grid').getAttribute('data-tiles'), { timeout: 60_000 }).toBe('50');
    await expect.poll(step, { timeout: 120_000 }).toBeGreaterThanOrEqual(8);
    // Both views while it trains: Health takes over the tab, its subscription and the Inside one stay.
    await id('tab-health').click();
    await expect.poll(runState, { timeout: 120_000 }).toBe('paused');
    const ms = Date.now() - t0;
    const tasks = (await page().evaluate('window.__longTasks')) as number[];
    await page().evaluate('window.__longObserver.disconnect()');
    const over100 = tasks.filter((d) => d > 100);
    const figure = {
      what: 'long tasks (PerformanceObserver longtask) in the renderer while LeNet trained 24 steps with Inside (conv2) then Health open',
      steps: await step(),
      wallMs: ms,
      longTasks: tasks.length,
      over100ms: over100.length,
      maxMs: tasks.length ? Math.max(...tasks) : 0,
      at: new Date().toISOString(),
    };
    fs.writeFileSync(path.join(ARTIFACTS, 'debug-responsiveness.json'), JSON.stringify(figure, null, 2) + '\n');
    console.log('[debug responsiveness]', JSON.stringify(figure));
    // The budget is 100 ms; this machine is shared and a starved tab can stall, so the test holds 3× of it.
    expect(figure.maxMs).toBeLessThan(300);
    await id('train-stop').click();
    await expect.poll(runState, { timeout: 60_000 }).toBe('stopped');
  });

  it('flags vanishing gradients of a deep sigmoid MLP on the canvas and in Problems', async () => {
    await openDoc(DEEP_SIGMOID, 'deep-sigmoid.netloom.json', 'd10');
    await trainTwelveSteps();
    await expect.poll(() => page().getByTestId('health-warning').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    const warnings = (await page().evaluate('window.__netloom.ui.getState().warnings')) as Warning[];
    expect(warnings.some((w) => w.kind === 'vanishing' && w.path === 'd1')).toBe(true);
    sigmoidFirstGrad = await firstGrad();
    expect(sigmoidFirstGrad).toBeGreaterThan(0);
    await shoot('debug-vanishing-health');
    await fit(page());
    await settled(page());
    expect(await page().getByTestId('warn-d1').getAttribute('data-kinds')).toContain('vanishing');
    expect(await page().getByTestId('node-d1').getAttribute('class')).toContain('warned');
    expect(await page().getByTestId('problems').textContent()).toMatch(/W_VANISHING.*d1/);
    await page().screenshot({ path: path.join(ARTIFACTS, 'debug-vanishing-dark.png') });
    await page().getByTestId('btn-theme').click();
    await page().screenshot({ path: path.join(ARTIFACTS, 'debug-vanishing-light.png') });
    await page().getByTestId('btn-theme').click();
    await id('train-stop').click();
    await expect.poll(runState, { timeout: 60_000 }).toBe('stopped');
  });

  it('the same depth with ReLU and BatchNorm: no vanishing gradients, a first-layer gradient 100× the sigmoid one', async () => {
    expect(
      sigmoidFirstGrad,
      'the sigmoid MLP test (run before this one) measures the figure compared here',
    ).not.toBeNull();
    await openDoc(DEEP_RELU_BN, 'deep-relu-bn.netloom.json', 'out');
    await trainTwelveSteps();
    // Anomalies reach the page before the paused state that follows them (one ordered connection).
    const warnings = (await page().evaluate('window.__netloom.ui.getState().warnings')) as Warning[];
    const vanishing = warnings.filter((w) => w.kind === 'vanishing').map((w) => w.path);
    for (const first of ['d1', 'd2', 'd3', 'bn1', 'bn2', 'bn3']) expect(vanishing).not.toContain(first);
    expect(await id('health-warnings').textContent()).not.toMatch(/vanishing d[123]\b/);
    const relu = await firstGrad();
    console.log(
      '[first-layer gradient norm, median over the 12 steps]',
      JSON.stringify({ sigmoid: sigmoidFirstGrad, reluBatchNorm: relu }),
    );
    // Orders of magnitude apart (here ~1e-6 against ~1: ResNet's reason); 100× is a wide margin.
    expect(relu).toBeGreaterThan(100 * sigmoidFirstGrad!);
    await shoot('debug-relu-bn-health');
    await id('train-stop').click();
    await expect.poll(runState, { timeout: 60_000 }).toBe('stopped');
  });
});
