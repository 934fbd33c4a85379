// `export/run` through the real engine over the protocol: a paused run exports its trained weights (ONNX run in
// onnxruntime-node gives the run's own predictions; the project keeps optimizer state and position), a document
// exports initialised weights and says so, and a block a format cannot express is refused before any write.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTemplate } from '../../templates';
import { FORMAT_NAMES, readProject } from '../export';
import { fashionBatch, haveFashion, maxDiff } from '../export/testing/fixtures';
import { createClient, RpcError } from '../protocol';
import { until } from '../protocol/testing/until';
import { memoryPair } from '../protocol/transports/memory';
import { createEngineApi } from './engine-api';
import { createEngineHost } from './engine-host';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netloom-export-api-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function connect() {
  const host = createEngineHost(createEngineApi());
  const [a, b] = memoryPair();
  host.connect(a);
  return { host, client: createClient(b) };
}

const softmax = (logits: Float32Array, classes: number) => {
  const out = new Float32Array(logits.length);
  for (let i = 0; i < logits.length; i += classes) {
    const row = logits.subarray(i, i + classes);
    const max = Math.max(...row);
    let sum = 0;
    for (let k = 0; k < classes; k++) sum += out[i + k] = Math.exp(row[k] - max);
    for (let k = 0; k < classes; k++) out[i + k] /= sum;
  }
  return out;
};

describe.skipIf(!haveFashion())('export/run', () => {
  it('exports a paused run’s trained weights: ONNX predicts as the run does; the project keeps its position', async () => {
    const { host, client } = connect();
    const { runId } = await client.call('train/start', {
      doc: loadTemplate('lenet'),
      data: { source: 'fashion-mnist', limit: 100 },
      epochs: 2,
      batchSize: 10,
      lr: 0.05,
      optimizer: 'sgd',
      momentum: 0.9,
      seed: 3,
      pauseAtStep: 5,
    });
    await until(async () => (await client.call('train/attach')).run?.state === 'paused', {
      what: 'the run to pause',
      ms: 180_000,
      everyMs: 50,
    });
    const n = 4;
    const x = fashionBatch([1, 28, 28], n).x as Float32Array<ArrayBuffer>;
    const want = await client.call('predict/run', { runId, input: { images: x, shape: [n, 1, 28, 28] } });

    const onnx = await client.call('export/run', { runId, format: 'onnx' });
    expect(onnx.warnings).toEqual([]);
    expect(onnx.files.map((f) => f.name)).toEqual(['model.onnx']);
    const session = await ort.InferenceSession.create(onnx.files[0].bytes!);
    const out = await session.run({ input: new ort.Tensor('float32', x, [n, 1, 28, 28]) });
    expect(maxDiff(softmax(out.output.data as Float32Array, 10), want.probs)).toBeLessThan(1e-5);
    await session.release();

    const project = await client.call('export/run', { runId, format: 'project', dir });
    const file = project.files[0].path!;
    expect(file).toBe(path.join(dir, 'LeNet.netloom'));
    const p = readProject(fs.readFileSync(file));
    expect(p.optimizer!.position).toMatchObject({ step: 5, optimizerStep: 5 });
    expect(Object.keys(p.optimizer!.slots).length).toBeGreaterThan(0);
    await client.call('train/stop', { runId });
    await host.close();
  }, 300_000);

  it('exports a document’s initialised weights (saying so), and refuses what a format cannot express', async () => {
    const { host, client } = connect();
    const out = path.join(dir, 'lenet-tfjs');
    const r = await client.call('export/run', { doc: loadTemplate('lenet'), format: 'tfjs', dir: out });
    expect(r.warnings).toEqual([expect.stringContaining('freshly initialised')]);
    expect(r.files.map((f) => f.name)).toEqual(['model.json', 'group1-shard1of1.bin']);
    expect(fs.readdirSync(out).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);

    const refused = path.join(dir, 'centered-tfjs');
    const e = await client
      .call('export/run', { doc: loadTemplate('centered'), format: 'tfjs', dir: refused })
      .catch((x) => x);
    expect(e).toBeInstanceOf(RpcError);
    expect(e.code).toBe('E_EXPORT_UNSUPPORTED');
    expect(e.message).toMatch(/Centered at centered/);
    expect(fs.existsSync(refused)).toBe(false);
    await host.close();
  }, 120_000);
});

describe('export/run diagrams', () => {
  it('draws a document as SVG (bytes, no weights, no warnings) and as a PNG file in the dark theme', async () => {
    const { host, client } = connect();
    const svg = await client.call('export/run', { doc: loadTemplate('lenet'), format: 'svg' });
    expect(svg.warnings).toEqual([]);
    expect(svg.files.map((f) => f.name)).toEqual(['diagram.svg']);
    const text = new TextDecoder().decode(svg.files[0].bytes!);
    expect(text).toMatch(/^<svg /);
    expect(text).toContain('>conv1</text>');
    const png = await client.call('export/run', { doc: loadTemplate('lenet'), format: 'png', theme: 'dark', dir });
    expect(png.files[0].path).toBe(path.join(dir, 'LeNet.png'));
    const bytes = fs.readFileSync(png.files[0].path!);
    expect([...bytes.subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47]); // "PNG"
    await host.close();
  }, 120_000);
});

describe('export/check', () => {
  it('answers for every format export/run writes, the diagrams included: what each cannot express', async () => {
    const { host, client } = connect();
    // The Centered layer (x − mean(x)) has no TF.js layer; a diagram draws anything the editor shows.
    const want = { project: 0, onnx: 0, pytorch: 0, tfjs: 1, svg: 0, png: 0 };
    expect(Object.keys(want).sort(), 'every format of engine/export').toEqual([...FORMAT_NAMES].sort());
    for (const [format, count] of Object.entries(want)) {
      const r = await client.call('export/check', { doc: loadTemplate('centered'), format: format as 'svg' });
      expect(r.problems, format).toHaveLength(count);
    }
    const [tfjs] = (await client.call('export/check', { doc: loadTemplate('centered'), format: 'tfjs' })).problems;
    expect(tfjs).toMatchObject({ path: 'centered', kind: 'Centered' });
    const e = await client.call('export/check', { doc: loadTemplate('lenet'), format: 'gif' as 'svg' }).catch((x) => x);
    expect(e).toBeInstanceOf(RpcError);
    expect(e.code).toBe('E_BAD_PARAMS');
    await host.close();
  }, 120_000);
});
