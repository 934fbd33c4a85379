// The backend chooser in the Training panel (issue 13), as a user meets it: LeNet on Fashion-MNIST (the shell
// loads it), every backend listed with its availability (an unavailable one disabled, its reason shown), the torch
// backend chosen, a few batches trained with the deterministic controls (Step while idle, then `train/step`
// through Step), the loss curve moving and "torch" named in the live line with its reason; the choice is kept in
// the document's training settings (undo, redo). Skipped, with the reason printed, where the engine has no torch.
// Screenshots in both themes go to e2e/artifacts (backend-dark.png, backend-light.png). The chooser's own text is
// readable at the default window width and the narrowest the desktop app allows (800 px), in both themes: the
// select's "Automatic (…)" label is not clipped, the line under it is not cut short, and "Backends here" shows each
// backend's reason whole, wrapped (backend-readable-*.png).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, getDoc, useEditor } from './harness';
import { openTrainingPanel, stopLeftoverRun, trainingProbe } from './ui';

const page = useEditor('backend', { theme: 'dark', onFail: stopLeftoverRun });
const { id, step, runState } = trainingProbe(page);
const lossPoints = async () => Number(await id('chart-loss-train').getAttribute('data-points'));
type Training = { training?: Record<string, unknown> };
type Row = { name: string; available: boolean; note?: string };

describe('the backend chooser', () => {
  it('lists every backend with its reason, trains LeNet a few steps on torch, and says so', async (ctx) => {
    await openTrainingPanel(page());
    const select = id('train-backend-select');
    // The engine's answer (engine/info) fills the choice: Automatic first, then each backend.
    await expect.poll(() => select.locator('option').count(), { timeout: 30_000 }).toBeGreaterThan(2);
    const rows = (await page().evaluate('window.__netloom.training.getState().engine.backends')) as Row[];
    const options = await select
      .locator('option')
      .evaluateAll((os) =>
        os.map((o) => ({ value: (o as HTMLOptionElement).value, disabled: (o as HTMLOptionElement).disabled })),
      );
    expect(options[0]).toEqual({ value: '', disabled: false });
    expect(options.slice(1)).toEqual(rows.map((r) => ({ value: r.name, disabled: !r.available })));
    expect(await select.locator('option').first().textContent()).toMatch(/^Automatic \(\w+/);
    expect(await id('train-backend-why').textContent()).toMatch(/^Automatic: \w[\w-]* — ./);
    // The list names each backend with its reason (an unavailable one's, too).
    await page().locator('.tb-list summary').click();
    for (const r of rows) expect(await id(`backend-row-${r.name}`).textContent()).toContain(r.note ?? '');

    const torch = rows.find((r) => r.name === 'torch');
    if (!torch?.available) {
      const why = `the engine has no torch here: ${torch?.note ?? 'not listed'}`;
      console.warn(`skipped: ${why}`);
      return ctx.skip(why);
    }
    await select.selectOption('torch');
    expect(await id('train-backend-why').textContent()).toBe(torch.note);
    // Workers are wasm's: disabled for torch.
    expect(await id('train-workers').isDisabled()).toBe(true);
    await id('train-limit').fill('640');
    await id('train-epochs').fill('1');
    await id('train-batchSize').fill('64');
    await page().screenshot({ path: path.join(ARTIFACTS, 'backend-chooser-dark.png') });

    // Step while idle: the run starts held and takes one batch; then two more, one Step each.
    await id('train-step').click();
    await expect.poll(step, { timeout: 120_000 }).toBe(1);
    await expect.poll(runState).toBe('paused');
    await expect.poll(() => id('train-run-backend').getAttribute('data-backend')).toBe('torch');
    expect(await id('train-run-backend').textContent()).toMatch(/Training on torch.*requested: torch \d/);
    expect(await id('train-backend').textContent()).toBe('backend torch');
    // The choice went into the document's training settings with the run's others: one edit, undoable.
    const training = async () => ((await getDoc(page())) as Training).training;
    expect(await training()).toMatchObject({ backend: 'torch', epochs: 1, batchSize: 64 });
    expect(await training()).not.toHaveProperty('workers'); // not wasm: none sent, none kept
    await page().getByTestId('btn-undo').click();
    await expect.poll(training).not.toHaveProperty('backend');
    await expect.poll(() => select.inputValue()).toBe('');
    await page().getByTestId('btn-redo').click();
    await expect.poll(training).toMatchObject({ backend: 'torch' });
    await expect.poll(() => select.inputValue()).toBe('torch');
    for (const n of [2, 3]) {
      await id('train-step').click();
      await expect.poll(step, { timeout: 60_000 }).toBe(n);
      await expect.poll(runState).toBe('paused');
    }
    await expect.poll(lossPoints).toBeGreaterThanOrEqual(3); // the curve moved, one point a batch
    await id('train-panel').screenshot({ path: path.join(ARTIFACTS, 'backend-dark.png') });
    await page().getByTestId('btn-theme').click();
    await id('train-panel').screenshot({ path: path.join(ARTIFACTS, 'backend-light.png') });
    await page().getByTestId('btn-theme').click();

    await id('train-stop').click();
    await expect.poll(runState, { timeout: 120_000 }).toBe('stopped');
    expect(await id('train-run-backend').getAttribute('data-backend')).toBe('torch');
  });

  it("the select's label and the line under it are whole at the default and the narrowest width, dark and light", async () => {
    await openTrainingPanel(page());
    const select = id('train-backend-select');
    await expect.poll(() => select.locator('option').count(), { timeout: 30_000 }).toBeGreaterThan(2);
    await select.selectOption('');
    await id('train-workers').selectOption('auto');
    // What the user sees of the select: the chosen option's text against the room its box leaves (the padding and,
    // with `appearance: auto`, the arrow take the rest); and the note: every line of it shown, no ellipsis.
    const room = (testId: string) =>
      id(testId).evaluate((el) => {
        const s = el as HTMLSelectElement;
        const css = getComputedStyle(s);
        const ctx = document.createElement('canvas').getContext('2d')!;
        ctx.font = `${css.fontWeight} ${css.fontSize} ${css.fontFamily}`;
        const text = s.options[s.selectedIndex].text;
        const inner = s.clientWidth - parseFloat(css.paddingLeft) - parseFloat(css.paddingRight);
        const arrow = css.appearance === 'none' ? 0 : 18; // Chromium's drop-down arrow
        return { text, need: Math.ceil(ctx.measureText(text).width), have: inner - arrow };
      });
    const why = id('train-backend-why');
    const note = () =>
      why.evaluate((el) => ({
        text: el.textContent ?? '',
        cut: el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1,
      }));
    // "Backends here": every backend's reason shown whole, wrapped to the column, never cut with an ellipsis.
    if ((await page().locator('.tb-list').getAttribute('open')) === null)
      await page().locator('.tb-list summary').click();
    const rowNotes = () =>
      page()
        .locator('.tb-list .tb-note')
        .evaluateAll((els) =>
          els.map((el) => ({
            text: el.textContent ?? '',
            cut: el.scrollWidth > el.clientWidth + 1 || getComputedStyle(el).textOverflow === 'ellipsis',
          })),
        );
    for (const width of [1440, 800]) {
      await page().setViewportSize({ width, height: 900 });
      for (const theme of ['dark', 'light']) {
        if ((await page().evaluate(() => document.documentElement.dataset.theme)) !== theme)
          await page().getByTestId('btn-theme').click();
        await id('train-settings').screenshot({ path: path.join(ARTIFACTS, `backend-readable-${width}-${theme}.png`) });
        const r = await room('train-backend-select');
        expect(r.text).toMatch(/^Automatic \(\w+\)$/);
        expect(r.need, `"${r.text}" at ${width} px`).toBeLessThanOrEqual(r.have);
        const w = await room('train-workers');
        expect(w.text).toBe('Automatic');
        expect(w.need, `Workers "${w.text}" at ${width} px`).toBeLessThanOrEqual(w.have);
        const n = await note();
        expect(n.text).toMatch(/^Automatic: \w[\w-]* — ./);
        expect(n.cut, `the note at ${width} px: ${n.text}`).toBe(false);
        const rows = await rowNotes();
        expect(rows.length).toBeGreaterThan(1);
        for (const r of rows) expect(r.cut, `a backend's note at ${width} px: ${r.text}`).toBe(false);
      }
    }
    await page().setViewportSize({ width: 1440, height: 900 });
    if ((await page().evaluate(() => document.documentElement.dataset.theme)) !== 'dark')
      await page().getByTestId('btn-theme').click();
  });
  it("the status bar's memory estimate counts the workers the document asks for", async () => {
    const memory = async () => ({
      text: (await page().getByTestId('status-memory').textContent()) ?? '',
      title: (await page().getByTestId('status-memory').getAttribute('title')) ?? '',
    });
    const setWorkers = (workers: number | undefined) =>
      page().evaluate((w) => {
        type Store = { getState(): { doc: Training }; setState(p: { doc: Training }): void };
        const store = (window as unknown as { __netloom: { docStore: Store } }).__netloom.docStore;
        const doc = store.getState().doc;
        store.setState({ doc: { ...doc, training: { ...doc.training, workers: w } } });
      }, workers);
    await setWorkers(undefined);
    const one = await memory();
    expect(one.title).not.toMatch(/workers/);
    await setWorkers(2);
    await expect.poll(async () => (await memory()).title).toMatch(/\+ 2 workers' replicas and gradients/);
    expect((await memory()).text).not.toBe(one.text);
    await setWorkers(undefined);
  });
});
