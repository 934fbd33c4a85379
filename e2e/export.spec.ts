// Projects that keep their weights and the Export dialog, as a user does it: LeNet trained two batches (Step
// while idle holds the run), saved as a `.netloom` project, another network opened, the project reopened —
// "trained: 2 steps" in the status bar, and Resume gives the same predictions as the run that was saved, its
// loss curve continuing the saved one (steps 1, 2, then 3: no jump back to 0, no gap). Then Ctrl+E: the
// compatibility check (asked of the engine for every format, the diagrams too), ONNX downloaded and run in
// onnxruntime-node (same logits), the diagram as SVG and PNG downloaded, screenshots of the dialog in both themes.
// Predictions are asked of the same engine over a second real WebSocket, with a fixed input, so no data set or
// timing enters the comparison.
import fs from 'node:fs';
import path from 'node:path';
import type { Download, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { createClient, type Client } from '../engine/protocol';
import { connectWebSocket } from '../engine/protocol/transports/websocket';
import type { WebSocketLike } from '../engine/protocol';
import { WebSocket } from 'ws';
import { ARTIFACTS, useEditor } from './harness';
import { select } from './ui';

const page = useEditor('export', { theme: 'dark' });
// Polls wait on what the page shows; the limit only bounds a real failure (a loaded machine may be slow).
const id = (t: string) => page().getByTestId(t);
const step = async () => Number(await id('train-stepcount').getAttribute('data-step'));
const runState = () => id('train-state').getAttribute('data-state');

// A fixed input: 3 images [1, 28, 28], values in [0, 1).
const N = 3;
const INPUT = Float32Array.from({ length: N * 28 * 28 }, (_, i) => ((i * 7919) % 1000) / 1000);

let client: Client | null = null;
afterAll(() => client?.close());

/** A second connection to the page's engine (the same `netloom serve`), for predictions the page does not show. */
async function engine(): Promise<Client> {
  if (client) return client;
  const url = new URL(page().url());
  const ws = `ws://${url.host}/engine?token=${encodeURIComponent(url.searchParams.get('token') ?? '')}`;
  client = createClient(await connectWebSocket(ws, WebSocket as unknown as new (url: string) => WebSocketLike));
  return client;
}

async function predict(): Promise<Float32Array> {
  const c = await engine();
  const { run } = await c.call('train/attach');
  const r = await c.call('predict/run', { runId: run!.runId, input: { images: INPUT, shape: [N, 1, 28, 28] } });
  return r.probs;
}

/** Save and open through a File System Access API that keeps bytes (the harness's fake keeps text only). */
const BINARY_FS = `(() => {
  const files = new Map();
  window.__binFiles = files;
  const handle = (name) => ({
    name,
    async createWritable() {
      const parts = [];
      return { async write(d) { parts.push(d); }, async close() { files.set(name, new Blob(parts)); } };
    },
    async getFile() { return new File([files.get(name) ?? ''], name); },
  });
  window.showSaveFilePicker = async (o) => handle((o && o.suggestedName) || 'network.netloom');
  window.showOpenFilePicker = async () => [handle(window.__openName)];
})()`;

async function download(p: Page, click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const [d] = (await Promise.all([p.waitForEvent('download', { timeout: 120_000 }), click()])) as [Download, void];
  const file = await d.path();
  return { name: d.suggestedFilename(), bytes: fs.readFileSync(file!) };
}

describe('projects keep their weights; the Export dialog', () => {
  it('trains LeNet two batches, saves a .netloom, reopens it and Resume predicts identically', async () => {
    await expect.poll(() => id('engine-info').textContent(), { timeout: 60_000 }).toMatch(/Engine backend: \w+/);
    await id('btn-train').click();
    await id('train-panel').waitFor();
    await id('train-limit').fill('640');
    await id('train-epochs').fill('1');
    await id('train-batchSize').fill('64');
    await id('train-step').click();
    await expect.poll(step, { timeout: 120_000 }).toBe(1);
    await id('train-step').click();
    await expect.poll(step, { timeout: 120_000 }).toBe(2);
    await expect.poll(runState, { timeout: 60_000 }).toBe('paused');
    const trained = await predict();
    const curve = (await page().evaluate('window.__netloom.training.getState().run.loss')) as {
      x: number;
      y: number;
    }[];
    expect(curve.map((p) => p.x)).toEqual([1, 2]);

    await page().evaluate(BINARY_FS);
    await id('btn-save').click();
    await expect.poll(() => id('status-trained').textContent(), { timeout: 60_000 }).toBe('trained: 2 steps');
    const saved = (await page().evaluate(
      'Promise.all([...window.__binFiles].map(async ([n, b]) => [n, [...new Uint8Array(await b.arrayBuffer()).slice(0, 4)]]))',
    )) as [string, number[]][];
    expect(saved).toHaveLength(1);
    expect(saved[0][0]).toMatch(/\.netloom$/);
    expect(saved[0][1]).toEqual([0x50, 0x4b, 0x03, 0x04]); // a zip
    await page().evaluate(`window.__openName = ${JSON.stringify(saved[0][0])}`);

    // Another network replaces it (nothing learned shows), then the project comes back with its weights.
    await id('train-stop').click();
    await expect.poll(runState, { timeout: 60_000 }).toBe('stopped');
    await page().evaluate("window.__netloom.openTemplate('mlp')");
    await expect.poll(() => id('status-trained').count(), { timeout: 60_000 }).toBe(0);
    await id('btn-open').click();
    await expect.poll(() => id('status-trained').textContent(), { timeout: 60_000 }).toBe('trained: 2 steps');

    // Resume, held before its next batch: the reopened weights predict exactly as the saved run did.
    await id('train-limit').fill('640');
    await id('train-epochs').fill('1');
    await id('train-batchSize').fill('64');
    await page().evaluate('window.__netloom.training.getState().set({ startExtras: { startPaused: true } })');
    await id('train-resume-saved').click();
    await expect.poll(runState, { timeout: 120_000 }).toBe('paused');
    expect(await predict()).toEqual(trained);
    // The loss curve continues: the saved run's points (kept in the project) come first, at their own steps.
    const seeded = (await page().evaluate('window.__netloom.training.getState().run.loss')) as typeof curve;
    expect(seeded.map((p) => p.x)).toEqual([1, 2]);
    seeded.forEach((p, i) => expect(p.y).toBeCloseTo(curve[i].y, 4));
    await id('train-step').click();
    await expect.poll(step, { timeout: 120_000 }).toBe(3); // the step count continues from the saved position
    await expect.poll(runState, { timeout: 60_000 }).toBe('paused');
    // One curve, no jump back to 0 and no gap: steps 1, 2 (the saved run), 3 (the resumed one) on the chart.
    await expect.poll(() => id('chart-loss-train').getAttribute('data-points'), { timeout: 30_000 }).toBe('3');
    expect(await id('chart-loss-train').getAttribute('data-first')).toBe('1');
    expect(await id('chart-loss-train').getAttribute('data-last')).toBe('3');
    await id('train-panel').screenshot({ path: path.join(ARTIFACTS, 'resume-curve-dark.png') });
  }, 400_000);

  it('Ctrl+E opens the Export dialog: the check, then ONNX that onnxruntime runs to the same outputs', async () => {
    const logits = (await engine()).call('train/attach').then(async ({ run }) => {
      const r = await (
        await engine()
      ).call('predict/run', {
        runId: run!.runId,
        input: { images: INPUT, shape: [N, 1, 28, 28] },
      });
      return r.probs;
    });
    await page()
      .locator('.react-flow__pane')
      .click({ position: { x: 5, y: 5 } });
    await page().keyboard.press('Control+e');
    await id('export-dialog').waitFor();
    await id('export-format-onnx').click();
    await expect.poll(() => id('export-check').getAttribute('data-state'), { timeout: 60_000 }).toBe('ok');
    expect(await id('export-weights').textContent()).toMatch(/^trained: /);
    const onnx = await download(page(), () => id('export-run').click());
    expect(onnx.name).toMatch(/\.onnx$/);
    await expect.poll(() => id('export-result').getAttribute('data-state'), { timeout: 60_000 }).toBe('done');
    expect(await id('export-where').textContent()).toBe('your downloads');

    const session = await ort.InferenceSession.create(onnx.bytes);
    const out = await session.run({ input: new ort.Tensor('float32', INPUT, [N, 1, 28, 28]) });
    const y = out[session.outputNames[0]].data as Float32Array;
    // The engine answers softmax probabilities; the ONNX model gives the logits.
    const probs = new Float32Array(y.length);
    for (let i = 0; i < N; i++) {
      const row = y.subarray(i * 10, i * 10 + 10);
      const max = Math.max(...row);
      const e = row.map((v) => Math.exp(v - max));
      const sum = e.reduce((a, b) => a + b, 0);
      e.forEach((v, k) => (probs[i * 10 + k] = v / sum));
    }
    const want = await logits;
    for (let i = 0; i < probs.length; i++) expect(Math.abs(probs[i] - want[i])).toBeLessThan(1e-4);

    await page().screenshot({ path: path.join(ARTIFACTS, 'export-dark.png') });
  });

  it('TF.js: model.json and its weight shards download, and the dialog lists them', async () => {
    await id('export-format-tfjs').click();
    await expect.poll(() => id('export-check').getAttribute('data-state'), { timeout: 60_000 }).toBe('ok');
    const names: string[] = [];
    const onDownload = (d: Download) => names.push(d.suggestedFilename());
    page().on('download', onDownload);
    await id('export-run').click();
    await expect.poll(() => id('export-result').getAttribute('data-state'), { timeout: 60_000 }).toBe('done');
    const listed = await page().locator('.export-files li').allTextContents();
    await expect.poll(() => names.length, { timeout: 60_000 }).toBe(listed.length);
    page().off('download', onDownload);
    expect(listed).toContain('model.json');
    expect(listed.some((n) => /\.bin$/.test(n))).toBe(true);
    expect(names.sort()).toEqual([...listed].sort());
  });

  it('draws the network as SVG and PNG, and looks right in the light theme', async () => {
    // What the page sends its engine (text frames: calls without typed arrays), to see the check asked for. A
    // string, not a function: in this file `WebSocket` is ws's, and tsx's helpers do not exist in the page.
    await page().evaluate(`(() => {
      window.__sent = [];
      const send = WebSocket.prototype.send;
      WebSocket.prototype.send = function (d) {
        if (typeof d === 'string') window.__sent.push(d);
        return send.call(this, d);
      };
    })()`);
    const checked = async (format: string) =>
      ((await page().evaluate('window.__sent')) as string[]).some((d) => {
        const m = JSON.parse(d) as { method?: string; params?: { format?: string } };
        return m.method === 'export/check' && m.params?.format === format;
      });
    await id('export-format-svg').click();
    await expect.poll(() => checked('svg'), { timeout: 60_000 }).toBe(true);
    await expect.poll(() => id('export-check').getAttribute('data-state'), { timeout: 60_000 }).toBe('ok');
    const svg = await download(page(), () => id('export-run').click());
    expect(svg.name).toMatch(/\.svg$/);
    const text = svg.bytes.toString('utf8');
    expect(text).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const blocks = text.match(/class="block"/g) ?? [];
    expect(blocks.length).toBeGreaterThanOrEqual(5); // input, convolutions, pools, dense layers, output
    expect(text).toMatch(/Conv2D|conv/i);

    await id('export-format-png').click();
    await expect.poll(() => checked('png'), { timeout: 60_000 }).toBe(true);
    await expect.poll(() => id('export-check').getAttribute('data-state'), { timeout: 60_000 }).toBe('ok');
    const png = await download(page(), () => id('export-run').click());
    expect(png.name).toMatch(/\.png$/);
    expect([...png.bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.bytes.length).toBeGreaterThan(5_000);
    fs.writeFileSync(path.join(ARTIFACTS, 'export-diagram.png'), png.bytes);

    await page().evaluate("window.__netloom.ui.getState().set({ theme: 'light' })");
    await id('export-format-onnx').click();
    await expect.poll(() => id('export-check').getAttribute('data-state'), { timeout: 60_000 }).toBe('ok');
    await page().screenshot({ path: path.join(ARTIFACTS, 'export-light.png') });
  });

  it('an edit that changes conv1 says its weights no longer fit, and Save drops only those, saying so', async () => {
    await page().keyboard.press('Escape');
    await expect.poll(() => id('export-dialog').count(), { timeout: 60_000 }).toBe(0);
    if (await id('train-stop').isEnabled()) await id('train-stop').click();
    await expect.poll(runState, { timeout: 60_000 }).toBe('stopped');
    await select(page(), 'conv1');
    await id('param-channels').fill('8');
    await expect.poll(() => id('status-trained').textContent(), { timeout: 60_000 }).toMatch(/no longer fit$/);
    expect(await id('status-trained').getAttribute('title')).toMatch(
      /conv1 weight was \(20, 1, 5, 5\), is now \(8, 1, 5, 5\)/,
    );
    await id('btn-save').click();
    await expect
      .poll(() => page().getByTestId('toast').allTextContents(), { timeout: 60_000 })
      .toContainEqual(expect.stringMatching(/without the weights that no longer fit: conv1 weight was/));
  });
});
