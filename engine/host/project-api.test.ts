// Projects that keep their weights, through the real engine over the protocol: a paused run saved as a
// `.netloom` zip reopens with identical predictions and resumes exactly (the same weights after the same
// further batches as the run that was never saved), an edited structure drops only the layers that no longer
// fit, and a legacy JSON project with base64 weights still opens.
import { describe, expect, it } from 'vitest';
import { until } from '../protocol/testing/until';
import { createClient, type Params } from '../protocol';

type TrainConfig = Params<'train/start'>;
import { memoryPair } from '../protocol/transports/memory';
import { loadTemplate } from '../../templates';
import { withWeights } from '../train';
import { readProject } from '../export/project/project';
import { createEngineHost } from './engine-host';
import { createEngineApi } from './engine-api';
import { parseDocument, type NetworkDoc } from '../core';

function connect() {
  const host = createEngineHost(createEngineApi());
  const [a, b] = memoryPair();
  host.connect(a);
  const client = createClient(b);
  const logs: string[] = [];
  client.on('engine/log', (e) => logs.push(e.message));
  return { host, client, logs };
}

const paused = (client: ReturnType<typeof createClient>) =>
  until(async () => (await client.call('train/attach')).run?.state === 'paused', {
    what: 'the run to pause',
    ms: 180_000,
    everyMs: 50,
  });

const doc = loadTemplate('mlp') as NetworkDoc;
// 100 samples, 90 to train: 9 batches of 10 per epoch. SGD with momentum, so there is optimizer state to keep.
const config = (extra: Partial<TrainConfig> = {}): TrainConfig => ({
  doc,
  data: { source: 'fashion-mnist', limit: 100 },
  epochs: 2,
  batchSize: 10,
  lr: 0.05,
  optimizer: 'sgd',
  momentum: 0.9,
  seed: 3,
  ...extra,
});
const sample = { dataset: { source: 'fashion-mnist', limit: 100 }, split: 'test' as const, indices: [0, 1, 2, 3, 4] };

describe('projects: save, reopen, resume', () => {
  it('a paused run saved and reopened predicts identically and resumes to the same weights', async () => {
    const { host, client } = connect();
    const { runId } = await client.call('train/start', config({ pauseAtStep: 12 }));
    await paused(client);
    const before = await client.call('predict/run', { runId, input: sample });

    const saved = await client.call('project/save', { doc, runId });
    expect(saved.dropped).toEqual([]);
    expect(saved.trained).toMatchObject({ epochs: 1, step: 12, resumable: true });
    const p = readProject(saved.bytes);
    expect(Object.keys(p.optimizer!.slots).length).toBeGreaterThan(0); // momentum buffers
    const opened = await client.call('project/open', { bytes: saved.bytes });
    expect(opened.doc).toEqual(parseDocument(doc).doc);
    expect(opened.trained).toEqual(saved.trained);

    // The run that was never saved takes three more batches…
    await client.call('train/step', { runId, batches: 3 });
    const continued = await client.call('predict/run', { runId, input: sample });
    expect(continued.probs).not.toEqual(before.probs);
    await client.call('train/stop', { runId });

    // …and the reopened project, resumed, predicts as the saved run did, then reaches the same weights.
    const resumed = await client.call('train/start', config({ resume: saved.bytes, startPaused: true }));
    const status = await client.call('train/pause', { runId: resumed.runId });
    expect(status).toMatchObject({ epoch: 1, step: 12 });
    expect((await client.call('predict/run', { runId: resumed.runId, input: sample })).probs).toEqual(before.probs);
    expect(await client.call('train/step', { runId: resumed.runId, batches: 3 })).toMatchObject({ step: 15 });
    expect((await client.call('predict/run', { runId: resumed.runId, input: sample })).probs).toEqual(continued.probs);

    // Its history carries on: saving the resumed run keeps the first run's record before its own.
    const again = await client.call('project/save', { doc, runId: resumed.runId });
    expect(readProject(again.bytes).runs).toHaveLength(2);
    await host.close();
  }, 240_000);

  it('a wider hidden layer drops only its own weights and the layer after it, saying so; resume keeps the rest', async () => {
    const { host, client, logs } = connect();
    const { runId } = await client.call('train/start', config({ pauseAtStep: 2 }));
    await paused(client);
    const { bytes } = await client.call('project/save', { doc, runId });
    const wider = structuredClone(doc) as NetworkDoc & { root: { children: { params: { units: number } }[] } };
    wider.root.children[0].params.units = 64;
    await client.call('train/stop', { runId });
    const edited = await client.call('project/save', { doc: wider, base: bytes });
    expect(edited.dropped).toEqual([
      'hidden weight was (256, 784), is now (64, 784)',
      'hidden bias was (256), is now (64)',
      'output weight was (10, 256), is now (10, 64)',
    ]);
    const p = readProject(edited.bytes);
    expect(Object.keys(p.weights!)).toEqual(['sequential0_dense1_bias']); // the output's bias still fits
    expect(p.weights!.sequential0_dense1_bias.data).toEqual(readProject(bytes).weights!.sequential0_dense1_bias.data);
    const r = await client.call('train/start', config({ doc: wider, resume: bytes, startPaused: true }));
    expect(await client.call('train/step', { runId: r.runId, batches: 1 })).toMatchObject({ step: 3 });
    expect(logs.join('\n')).toMatch(/resuming without the weights that no longer fit: hidden weight was/);
    await host.close();
  }, 240_000);

  it('a legacy JSON project (base64 weights in the document) opens and saves as a .netloom zip', async () => {
    const { host, client } = connect();
    const { runId } = await client.call('train/start', config({ pauseAtStep: 1 }));
    await paused(client);
    const { bytes } = await client.call('project/save', { doc, runId });
    const weights = readProject(bytes).weights!;
    const legacy = withWeights(doc, weights);
    const opened = await client.call('project/open', {
      bytes: new TextEncoder().encode(JSON.stringify(legacy)),
    });
    expect(opened.trained).toMatchObject({ resumable: false });
    expect((opened.doc as NetworkDoc).weights).toBeUndefined();
    const saved = await client.call('project/save', { doc: legacy });
    expect(readProject(saved.bytes).weights).toEqual(weights);
    await expect(client.call('project/open', { bytes: new Uint8Array([80, 75, 3, 4, 1, 2]) })).rejects.toMatchObject({
      code: 'E_PROJECT_FORMAT',
    });
    await host.close();
  }, 240_000);
});
