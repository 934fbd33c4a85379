// The Training form without a browser: the document's settings → fields → a train/start config or field
// errors → the document's settings again, and the reasons Start is refused.
import { describe, expect, it } from 'vitest';
import { TrainingSettings } from '../../../../engine/core';
import { trainConfig } from '../../../../engine/protocol/schemas';
import { formFrom, parseForm, settingsAfter, sourceKind, sourceLabel, startBlocker, type TrainForm } from './form';

const lenet = {
  dataset: 'fashion-mnist',
  optimizer: 'sgd' as const,
  lr: 0.1,
  momentum: 0.9,
  batchSize: 128,
  epochs: 10,
};

/** The config, checked against the protocol's own schema (what the engine will accept). */
function configOf(f: TrainForm) {
  const { config, errors } = parseForm(f);
  expect(errors).toEqual({});
  expect(trainConfig.safeParse({ ...config, doc: {} }).success).toBe(true);
  return config!;
}

describe('training form', () => {
  it('fills from the document, with the default validation split and no schedule or early stop', () => {
    const f = formFrom(lenet);
    expect(f).toMatchObject({ dataKind: 'builtin', validation: '10', schedule: 'constant', patience: '', limit: '' });
    expect(configOf({ ...f, limit: '512' })).toEqual({
      data: { source: 'fashion-mnist', limit: 512, validationSplit: 0.1 },
      epochs: 10,
      batchSize: 128,
      lr: 0.1,
      optimizer: 'sgd',
      momentum: 0.9,
    });
    expect(parseForm({ ...f, optimizer: 'adam' }).config?.momentum).toBeUndefined();
  });

  it('round-trips validation, schedules, early stopping and a CSV label column through the document', () => {
    const t = {
      ...lenet,
      dataset: '/data/iris.csv',
      labelColumn: 'species',
      validationSplit: 0.25,
      schedule: { type: 'step' as const, every: 3, gamma: 0.5 },
      earlyStop: { patience: 4, minDelta: 0.01 },
    };
    const f = formFrom(t);
    expect(f).toMatchObject({
      dataKind: 'csv',
      labelColumn: 'species',
      validation: '25',
      schedule: 'step',
      stepEvery: '3',
      stepGamma: '0.5',
      patience: '4',
    });
    const c = configOf(f);
    expect(c).toMatchObject({
      data: { source: '/data/iris.csv', labelColumn: 'species', validationSplit: 0.25 },
      schedule: { type: 'step', every: 3, gamma: 0.5 },
      earlyStop: { patience: 4 },
    });
    // Back into the document: minDelta (not in the form) is kept; the result is valid settings.
    const after = settingsAfter(t, c);
    expect(after).toEqual(t);
    expect(TrainingSettings.safeParse(after).success).toBe(true);
    const cosine = configOf({ ...f, schedule: 'cosine', minLr: '0.001', patience: '' });
    expect(settingsAfter(t, cosine)).toMatchObject({ schedule: { type: 'cosine', minLr: 0.001 } });
    expect(settingsAfter(t, cosine)).not.toHaveProperty('earlyStop');
  });

  it('leaves defaults the document did not spell out unspelled, and drops the label column off CSV', () => {
    const c = configOf(formFrom(lenet));
    expect(settingsAfter(lenet, c)).toEqual(lenet);
    const folder = configOf({ ...formFrom(lenet), dataKind: 'folder', dataset: '/data/pets', labelColumn: 'x' });
    expect(folder.data).toEqual({ source: '/data/pets', validationSplit: 0.1 });
    expect(settingsAfter({ ...lenet, labelColumn: 'y' }, folder)).not.toHaveProperty('labelColumn');
    expect(settingsAfter(lenet, configOf({ ...formFrom(lenet), validation: '0' }))).toMatchObject({
      validationSplit: 0,
    });
  });

  it('names each bad field', () => {
    const f = formFrom(lenet);
    expect(parseForm({ ...f, epochs: '2.5', lr: '-1', validation: '95', patience: '0' }).errors).toEqual({
      epochs: expect.any(String),
      lr: 'a positive number',
      validation: 'a percentage from 0 to 90',
      patience: expect.stringMatching(/≥ 1/),
    });
    expect(parseForm({ ...f, schedule: 'step', stepEvery: '0', stepGamma: '1.5' }).errors).toEqual({
      stepEvery: expect.any(String),
      stepGamma: 'a factor in (0, 1]',
    });
    expect(parseForm({ ...f, schedule: 'cosine', minLr: '0.2' }).errors.minLr).toMatch(/below the learning rate/);
    expect(parseForm({ ...f, dataKind: 'csv', dataset: '/data/pets' }).errors.dataset).toMatch(/\.csv/);
    expect(parseForm({ ...f, dataKind: 'folder', dataset: ' ' }).errors.dataset).toMatch(/image folder/);
  });

  it('round-trips the backend and workers through the document; automatic backend and workers stay unspelled', () => {
    const f = formFrom(lenet);
    expect(f).toMatchObject({ backend: '', workers: 'auto' });
    expect(configOf(f)).not.toHaveProperty('backend');
    expect(configOf(f)).not.toHaveProperty('workers'); // the engine's default: 'auto' when the run is on wasm
    const torch = configOf({ ...f, backend: 'torch', workers: '2' });
    expect(torch).toMatchObject({ backend: 'torch' });
    expect(torch).not.toHaveProperty('workers'); // workers are wasm's: not sent for another backend
    const wasm = configOf({ ...f, backend: 'wasm', workers: '1' });
    expect(wasm).toMatchObject({ backend: 'wasm', workers: 1 }); // one worker, asked for: said
    const after = settingsAfter(lenet, wasm);
    expect(after).toEqual({ ...lenet, backend: 'wasm', workers: 1 });
    expect(TrainingSettings.safeParse(after).success).toBe(true);
    expect(formFrom(after)).toMatchObject({ backend: 'wasm', workers: '1' });
    expect(configOf({ ...f, workers: '3' })).toMatchObject({ workers: 3 }); // automatic backend: maybe wasm
    // Back to automatic for both: the backend is dropped, the workers written down once they were set.
    expect(settingsAfter(after, configOf(formFrom(lenet)))).toEqual({ ...lenet, workers: 'auto' });
    expect(parseForm({ ...f, workers: '9' }).errors).toEqual({ workers: "'auto' or a whole number from 1 to 8" });
  });

  it('tells a built-in, a folder and a table apart', () => {
    expect(sourceKind('mnist')).toBe('builtin');
    expect(sourceKind('/home/me/pets')).toBe('folder');
    expect(sourceKind('C:\\data\\pets')).toBe('folder');
    expect(sourceKind('/home/me/t.TSV')).toBe('csv');
    expect(sourceLabel('fashion-mnist')).toBe('Fashion-MNIST');
    expect(sourceLabel('/home/me/iris.csv')).toBe('iris.csv');
  });

  it('says why Start is refused: engine, run, network, settings, then the data', () => {
    const ok = { engineUp: true, errors: [], state: null, form: {}, starting: false };
    expect(startBlocker(ok)).toBeNull();
    expect(startBlocker({ ...ok, engineUp: false })).toMatch(/offline/);
    expect(
      startBlocker({ ...ok, errors: [{ path: 'conv1', message: 'kernel 40 is larger than the input 28' }] }),
    ).toMatch(/1 problem: conv1: kernel 40/);
    expect(startBlocker({ ...ok, state: 'paused' })).toMatch(/in progress/);
    expect(startBlocker({ ...ok, form: { validation: 'a percentage from 0 to 90' } })).toBe(
      'Fix the settings: validation % must be a percentage from 0 to 90.',
    );
    expect(startBlocker({ ...ok, data: { code: 'E_DATA_CSV', message: 'bad.csv: line 3 …' } })).toBe(
      'The data cannot be used: E_DATA_CSV: bad.csv: line 3 …',
    );
    expect(startBlocker({ ...ok, backend: 'torch is unavailable here: python3 not found' })).toBe(
      'Choose another backend: torch is unavailable here: python3 not found.',
    );
  });
});
