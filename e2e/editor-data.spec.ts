// The user's own data in the Training panel, on real files written here: a CSV table whose label column is
// chosen from its header (an MLP reshaped to it, a few batches stepped), a folder of PNGs per class (LeNet),
// the validation split / schedule / early-stop fields landing in the document, a corrupt CSV and an empty class
// folder showing the loader's one-line message under the field, and MNIST offered for download.
// The browser shell has no file dialog (Host.pickDataSource answers null): the path field takes the path.
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pngBytes, rgbaImage, tempDir, writeFiles } from '../engine/data/fixtures';
import { ARTIFACTS, getDoc, useEditor } from './harness';
import { openTrainingPanel, select, settled, stopLeftoverRun, trainingProbe } from './ui';

// The engine (started by useEditor below) looks for built-ins in an empty cache: MNIST is missing for sure,
// Fashion-MNIST still comes from /usr/share/datasets. Set before the server starts its engine process.
const cache = mkdtempSync(path.join(os.tmpdir(), 'netloom-e2e-cache-'));
const cacheBefore = process.env.NETLOOM_CACHE;
process.env.NETLOOM_CACHE = cache;

let dir = '';
let cleanup = async () => {};
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('netloom-e2e-data-'));
  // Three classes of four features; "species" first, so the engine's first guess (the last column) is wrong.
  const rows = Array.from({ length: 60 }, (_, i) => {
    const c = i % 3;
    return [['setosa', 'versicolor', 'virginica'][c], c + i / 100, 2 - c, (i * 7) % 5, c * 0.5].join(',');
  });
  await writeFiles(dir, {
    'iris.csv': `species,sepal,petal,noise,width\n${rows.join('\n')}\n`,
    'broken.csv': 'label,f1,f2\n0,1,2\n1,oops,3\n',
  });
  for (let c = 0; c < 10; c++) {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 4; i++) files[`${i}.png`] = pngBytes(28, 28, rgbaImage(28, 28, c * 10 + i, true));
    await writeFiles(path.join(dir, 'digits', `class-${c}`), files);
  }
  await writeFiles(path.join(dir, 'gappy', 'a'), { 'x.png': pngBytes(28, 28, rgbaImage(28, 28, 1, true)) });
  await writeFiles(path.join(dir, 'gappy', 'b'), { 'notes.txt': 'no images here' });
});
afterAll(async () => {
  await cleanup();
  rmSync(cache, { recursive: true, force: true });
  if (cacheBefore === undefined) delete process.env.NETLOOM_CACHE;
  else process.env.NETLOOM_CACHE = cacheBefore;
});

const page = useEditor('data', { onFail: stopLeftoverRun });
const { id, step, runState } = trainingProbe(page);
type Training = { training?: Record<string, unknown> };

const openPanel = () => openTrainingPanel(page());

async function template(name: string) {
  const edited = await page().evaluate(
    '(() => { const s = window.__netloom.docStore.getState(); return (s.past[s.past.length - 1] ?? null) !== s.clean; })()',
  );
  await id('btn-templates').click();
  await id(`template-${name}`).click();
  // An edited network is not discarded without asking: the user confirms.
  if (edited) await id('confirm-discard-ok').click();
  await page().locator('.react-flow__node').first().waitFor();
  await settled(page());
}

/** Chooses "Image folder…" / "CSV file…" and types the path (no dialog in the browser shell). */
async function ownData(kind: 'folder' | 'csv', file: string) {
  await id('train-dataset').selectOption(`:${kind}`);
  await id('train-path').fill(file);
}

describe('the user’s own data', () => {
  it('trains an MLP on a CSV file: the label column chosen from the header, batches stepped, then stopped', async () => {
    await template('mlp');
    // The network takes the table's 4 features and ends in its 3 classes.
    await id('input-shape').fill('4');
    await id('input-shape').press('Tab');
    await select(page(), 'output');
    await id('param-units').fill('3');
    await id('param-units').press('Enter');
    await openPanel();
    await ownData('csv', path.join(dir, 'iris.csv'));
    // The engine's first guess (the last column) leaves the text column "species" among the features:
    // the loader's own line says so, under the field, and Start says why it is refused.
    await expect
      .poll(() => id('train-data-error').textContent(), { timeout: 30_000 })
      .toMatch(/E_DATA_CSV.*iris\.csv: line 2, column "species": "setosa" is not a number/);
    expect(await id('train-start').isDisabled()).toBe(true);
    expect(await id('train-why').textContent()).toMatch(/The data cannot be used: E_DATA_CSV/);
    const columns = await id('train-labelColumn').locator('option').allTextContents();
    expect(columns).toEqual(['species', 'sepal', 'petal', 'noise', 'width']);
    await id('train-labelColumn').selectOption('species');
    await expect
      .poll(() => id('train-data-info').textContent(), { timeout: 30_000 })
      .toMatch(/3 classes · 4 features · 48 train \/ 12 test/);
    expect(await id('train-start').isEnabled()).toBe(true);
    await id('train-panel').screenshot({ path: path.join(ARTIFACTS, 'train-csv-dark.png') });

    await id('train-epochs').fill('2');
    await id('train-batchSize').fill('8');
    await id('train-step').click();
    await expect.poll(step, { timeout: 60_000 }).toBe(1);
    await expect.poll(runState).toBe('paused');
    await id('train-step').click();
    await expect.poll(step).toBe(2);
    await expect.poll(runState).toBe('paused');
    expect(((await getDoc(page())) as Training).training).toMatchObject({
      dataset: path.join(dir, 'iris.csv'),
      labelColumn: 'species',
      epochs: 2,
      batchSize: 8,
    });
    expect(await id('train-caption').textContent()).toMatch(/iris\.csv \(label species\)/);
    await id('train-stop').click();
    await expect.poll(runState, { timeout: 60_000 }).toBe('stopped');
    expect(Number(await id('train-test-acc').getAttribute('data-value'))).toBeGreaterThanOrEqual(0);
    expect(await step()).toBe(2);
  });

  it('shows a corrupt CSV and an empty class folder with the loader’s one-line message', async () => {
    await ownData('csv', path.join(dir, 'broken.csv'));
    await expect.poll(() => id('train-data-error').getAttribute('data-code'), { timeout: 30_000 }).toBe('E_DATA_CSV');
    const line = (await id('train-data-error').textContent()) ?? '';
    expect(line).toMatch(/broken\.csv: line 3, column "f1": "oops" is not a number$/);
    expect(line).not.toContain('\n');
    expect(await id('train-start').isDisabled()).toBe(true);
    await ownData('folder', path.join(dir, 'gappy'));
    await expect
      .poll(() => id('train-data-error').getAttribute('data-code'), { timeout: 30_000 })
      .toBe('E_DATA_EMPTY_CLASS');
    expect(await id('train-data-error').textContent()).toMatch(/class folder "b" has no PNG or JPEG images/);
    await id('train-panel').screenshot({ path: path.join(ARTIFACTS, 'train-data-error-dark.png') });
    await ownData('folder', path.join(dir, 'nowhere'));
    await expect
      .poll(() => id('train-data-error').getAttribute('data-code'), { timeout: 30_000 })
      .toBe('E_DATA_NOT_FOUND');
  });

  it('trains LeNet on a folder of PNGs; validation, schedule and early stop land in the document', async () => {
    await template('lenet');
    await openPanel();
    await ownData('folder', path.join(dir, 'digits'));
    await expect
      .poll(() => id('train-data-info').textContent(), { timeout: 30_000 })
      .toMatch(/10 classes · 1×28×28 · 32 train \/ 8 test/);
    // A bad value is named under its field and refuses Start.
    await id('train-validation').fill('95');
    expect(await id('train-error-validation').textContent()).toBe('a percentage from 0 to 90');
    expect(await id('train-why').textContent()).toMatch(/validation % must be a percentage from 0 to 90/);
    expect(await id('train-start').isDisabled()).toBe(true);
    await id('train-validation').fill('25');
    await id('train-schedule').selectOption('cosine');
    await id('train-minLr').fill('0.001');
    await id('train-patience').fill('2');
    await id('train-epochs').fill('3');
    await id('train-batchSize').fill('8');
    await id('train-step').click();
    await expect.poll(step, { timeout: 60_000 }).toBe(1);
    await expect.poll(runState).toBe('paused');
    // 32 train images, 25 % held out: 24 left = 3 batches of 8.
    expect(await page().evaluate('window.__netloom.training.getState().run.stepsPerEpoch')).toBe(3);
    expect(((await getDoc(page())) as Training).training).toMatchObject({
      dataset: path.join(dir, 'digits'),
      validationSplit: 0.25,
      schedule: { type: 'cosine', minLr: 0.001 },
      earlyStop: { patience: 2 },
      epochs: 3,
    });
    expect(((await getDoc(page())) as Training).training).not.toHaveProperty('labelColumn');
    await page().screenshot({ path: path.join(ARTIFACTS, 'train-folder-dark.png') });
    await page().getByTestId('btn-theme').click();
    await page().screenshot({ path: path.join(ARTIFACTS, 'train-folder-light.png') });
    await page().getByTestId('btn-theme').click();
    await id('train-stop').click();
    await expect.poll(runState, { timeout: 60_000 }).toBe('stopped');
    expect(await step()).toBe(1);
  });

  it('offers MNIST for download when it is not on disk, and says what happened', async () => {
    await id('train-dataset').selectOption('mnist');
    await expect.poll(() => id('train-availability').getAttribute('data-available')).toBe('false');
    expect(await id('train-availability').textContent()).toMatch(/not on disk · 10 classes · 1×28×28/);
    await id('train-download').click();
    // With internet the files arrive (progress, then on disk); without, the download's own error shows.
    await expect
      .poll(
        async () =>
          (await id('train-download-error').isVisible()) ||
          (await id('train-availability').getAttribute('data-available')) !== 'false',
        { timeout: 300_000, interval: 250 },
      )
      .toBe(true);
    if (await id('train-download-error').isVisible())
      expect(await id('train-download-error').textContent()).toMatch(/^E_DATA_DOWNLOAD \S/);
    else expect(await id('train-availability').textContent()).toMatch(/on disk/);
    await id('train-panel').screenshot({ path: path.join(ARTIFACTS, 'train-download-dark.png') });
    await id('train-dataset').selectOption('fashion-mnist');
  });
});
