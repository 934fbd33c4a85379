// Gestures a user makes, for the specs: drag from the palette, wire two handles, select; and `settled`, the
// wait for the canvas to stop moving (fit and open animate the viewport) before a click or a screenshot.
import type { Page } from 'playwright-core';
import { until } from '../engine/protocol/testing/until';

export async function dragFromPalette(page: Page, type: string, x: number, y: number) {
  const canvas = page.getByTestId('canvas');
  await page.getByTestId(`palette-${type}`).dragTo(canvas, { targetPosition: { x, y } });
}

/** Drags a connection from `from`'s output handle to `to`'s input port. */
export async function wire(page: Page, from: string, to: string, port = 0) {
  const src = page.locator(`[data-testid="node-${from}"] .react-flow__handle.source[data-handleid="out"]`);
  const dst = page.getByTestId(`port-${to}-in-${port}`);
  const a = (await src.boundingBox())!,
    b = (await dst.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2 + 10, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
  // The drag is over when React Flow drops its connection line (the edge, if valid, is in the document then).
  await page.locator('.react-flow__connectionline').waitFor({ state: 'detached' });
}

export const label = (page: Page, from: string, to: string) =>
  page.getByTestId(`edge-label-${from}->${to}`).textContent();

export async function select(page: Page, ...paths: string[]) {
  for (const [i, p] of paths.entries()) {
    await page
      .getByTestId(`node-${p}`)
      .locator('.node-type')
      .first()
      .click({ modifiers: i ? ['Control'] : [] });
  }
}

export async function fit(page: Page) {
  await page.getByTestId('btn-fit').click();
  await settled(page);
}

/**
 * Waits until the canvas's viewport transform has stayed the same for 5 animation frames (a fit or an open
 * animates it; the animation starts within a frame or two of the click). Counted in frames, not time, so a
 * slow machine waits longer. A string run by page.evaluate: the page's CSP forbids waitForFunction's eval,
 * and the page has none of the test runner's helpers.
 */
export async function settled(page: Page) {
  await page.evaluate(`new Promise((resolve) => {
    let last = null, same = 0;
    const tick = () => {
      const v = document.querySelector('.react-flow__viewport');
      const t = v ? v.getAttribute('style') : null;
      same = t !== null && t === last ? same + 1 : 0;
      last = t;
      if (same >= 5) resolve(true);
      else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })`);
}

/** After a failed training test: Stop a run it left going, so the next test starts from a quiet engine. */
export async function stopLeftoverRun(page: Page): Promise<void> {
  const stop = page.getByTestId('train-stop');
  if (await stop.isEnabled().catch(() => false)) await stop.click();
}

/** The Training panel as specs read it: an element by test id, the run's step counter and its state. */
export function trainingProbe(page: () => Page) {
  const id = (t: string) => page().getByTestId(t);
  return {
    id,
    step: async () => Number(await id('train-stepcount').getAttribute('data-step')),
    runState: () => id('train-state').getAttribute('data-state'),
  };
}

/** trainingProbe with what the debugging specs read and do: the Inside view's step and digest, and Step. */
export function debugProbe(page: () => Page) {
  const probe = trainingProbe(page);
  const { id, runState } = probe;
  /** The run's step (0 before any run: the status line shows no step then). */
  const step = async () => ((await id('train-stepcount').count()) ? probe.step() : 0);
  return {
    id,
    runState,
    step,
    insideStep: async () => Number(await id('inside-view').getAttribute('data-step')),
    digest: () => id('inside-grid').getAttribute('data-digest'),
    /** One batch (Step), then held. Step on an ended run (or none) starts a new one at its first batch. */
    async stepOnce() {
      const target = (await runState()) === 'paused' ? (await step()) + 1 : 1;
      await id('train-step').click();
      await until(async () => (await step()) === target, { ms: 120_000, what: `the run to reach step ${target}` });
      await until(async () => (await runState()) === 'paused', { ms: 30_000, what: 'the run to hold again' });
    },
  };
}

/** Waits for the engine to connect, then opens the Training drawer (if it is not open already). */
export async function openTrainingPanel(page: Page): Promise<void> {
  await until(async () => /Engine backend: \w+/.test((await page.getByTestId('engine-info').textContent()) ?? ''), {
    ms: 30_000,
    what: 'the engine to connect',
  });
  if (!(await page.getByTestId('train-panel').isVisible())) await page.getByTestId('btn-train').click();
  await page.getByTestId('train-panel').waitFor();
}
