// The debug views' pure logic: colour scale, snapshot → tiles, health series and heat strips, warnings,
// evaluation cells, recorded runs, and the event coalescer.
import { describe, expect, it, vi } from 'vitest';
import type { NetworkDoc } from '../../../../engine/core';
import type { ActivationSnapshot, AnomalyEvent, EvaluateResult, HealthEvent } from '../../../../engine/protocol';
import { paint, scale, VIRIDIS } from './colormap';
import { cell, misclassified, perClassAccuracy, shareOfRow } from './evaluation';
import { decade, fmt } from './format';
import {
  addHistograms,
  addWarning,
  applyHealth,
  emptyHealth,
  heatColumns,
  layerNorms,
  logTicks,
  MAX_HEALTH_POINTS,
  warningsAt,
} from './health';
import { recordOf, resumeSeed, runsOf, thin, withHeldRun, withRun, MAX_RUNS, type RunRecord } from './runs';
import { applySnapshot, digest, emptyInside, gridLayout, maxValuesFor, rangeOf, sampleOf } from './snapshot';
import { coalesce } from './throttle';
import { emptyRun } from '../training/run-state';

const stats = { mean: 0, std: 1, min: -1, max: 1, zeros: 0, norm: 1 };
const channels = (c: number) => ({
  mean: new Float32Array(c),
  std: new Float32Array(c),
  min: new Float32Array(c),
  max: new Float32Array(c),
  zeros: new Float32Array(c),
});
/** A (2, 3, 2, 2) conv output: value = sample*100 + channel*10 + pixel. */
function convSnap(): ActivationSnapshot {
  const data = new Float32Array(2 * 3 * 4);
  for (let n = 0; n < 2; n++)
    for (let c = 0; c < 3; c++) for (let p = 0; p < 4; p++) data[n * 12 + c * 4 + p] = n * 100 + c * 10 + p;
  return { path: 'conv1', shape: [8, 3, 2, 2], data, dataShape: [2, 3, 2, 2], stride: 1, stats, channels: channels(3) };
}

describe('colour scale', () => {
  it('runs viridis from dark purple to yellow and clamps outside its range', () => {
    expect(VIRIDIS[0]).toBe(0x440154);
    expect(VIRIDIS[255]).toBe(0xfde725);
    const s = scale(-1, 1);
    expect([s.index(-1), s.index(0), s.index(1), s.index(-5), s.index(9)]).toEqual([0, 128, 255, 0, 255]);
    expect(scale(2, 2).index(2)).toBe(128);
    expect(scale(0, 1).index(NaN)).toBe(128);
  });
  it('paints a map into RGBA at an offset', () => {
    const px = new Uint8ClampedArray(3 * 1 * 4);
    paint(px, 3, [0, 1], 0, 1, 2, 1, 0, scale(0, 1));
    expect([...px.slice(0, 4)]).toEqual([0, 0, 0, 0]);
    expect([...px.slice(4, 8)]).toEqual([0x44, 0x01, 0x54, 255]);
    expect([...px.slice(8, 12)]).toEqual([0xfd, 0xe7, 0x25, 255]);
  });
});

describe('activation snapshots', () => {
  it('cuts one sample into channel maps, and says when a sample is not carried', () => {
    const a = convSnap();
    const v = sampleOf(a, 1)!;
    expect(v).toMatchObject({ kind: 'maps', c: 3, h: 2, w: 2, offset: 12 });
    expect(v.data[v.offset + 4]).toBe(110); // sample 1, channel 1, pixel 0
    expect(rangeOf(v)).toEqual({ min: 100, max: 123 });
    // a diverging run: NaN/±Inf values do not stretch the colour scale
    const broken = new Float32Array(a.data);
    broken.set([NaN, Infinity, -Infinity], 1);
    expect(rangeOf(sampleOf({ ...a, data: broken }, 0)!)).toEqual({ min: 0, max: 23 });
    expect(sampleOf(a, 2)).toBeNull();
    expect(digest(sampleOf(a, 0)!)).not.toBe(digest(v));
  });
  it('shows (F) outputs as a vector', () => {
    const a = { ...convSnap(), shape: [8, 4], dataShape: [2, 4], data: new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]) };
    expect(sampleOf(a, 1)).toMatchObject({ kind: 'vector', f: 4, offset: 4 });
  });
  it('lays out 20 tiles of 24×24 in a grid that fits the width', () => {
    const g = gridLayout(20, 24, 24, 600);
    expect(g.cols * g.rows).toBeGreaterThanOrEqual(20);
    expect(g.cols * (g.tileW + g.gap) - g.gap).toBeLessThanOrEqual(600);
    expect(g.cols).toBeGreaterThanOrEqual(5);
    expect(gridLayout(20, 24, 24, 60).zoom).toBe(1);
  });
  it('keeps the newest snapshot of the current subscription only', () => {
    const s0 = { ...emptyInside(), subscriptionId: 's1' };
    const p = (step: number, sub = 's1') => ({
      runId: 'r',
      subscriptionId: sub,
      step,
      probe: {
        split: 'test' as const,
        indices: new Int32Array(2),
        labels: new Int32Array(2),
        input: new Float32Array(8),
        shape: [2, 1, 2, 2],
      },
      blocks: [convSnap()],
      params: [],
    });
    const s1 = applySnapshot(s0, p(5));
    expect(s1.step).toBe(5);
    expect(s1.blocks.conv1).toBeDefined();
    expect(applySnapshot(s1, p(3))).toBe(s1);
    expect(applySnapshot(s1, p(9, 'other'))).toBe(s1);
  });
  it('asks for every probe sample of a small map, bounded', () => {
    expect(maxValuesFor([20, 24, 24], 8)).toBe(20 * 24 * 24 * 8);
    expect(maxValuesFor([10], 8)).toBe(4096);
    expect(maxValuesFor([64, 112, 112], 8)).toBe(1 << 18);
  });
});

const health = (step: number, g: number[], runId = 'r1'): HealthEvent => ({
  runId,
  step,
  names: ['d0_weight', 'd0_bias', 'd1_weight'],
  blocks: ['dense0', 'dense0', 'dense1'],
  weightNorm: new Float32Array([3, 4, 1]),
  gradNorm: new Float32Array(g),
  updateRatio: new Float32Array(3),
});

describe('health', () => {
  it('combines a layer’s parameters into one norm per step', () => {
    expect(layerNorms(health(1, [0, 0, 2]))).toEqual([
      { block: 'dense0', weight: 5, grad: 0 },
      { block: 'dense1', weight: 1, grad: 2 },
    ]);
  });
  it('grows series per layer, ignores repeated steps, restarts for a new run, and thins long series', () => {
    let s = applyHealth(emptyHealth(), health(1, [1, 0, 1]));
    s = applyHealth(s, health(2, [1, 0, 1]));
    expect(applyHealth(s, health(2, [9, 9, 9]))).toBe(s);
    expect(s.layers.map((l) => l.steps)).toEqual([
      [1, 2],
      [1, 2],
    ]);
    expect(applyHealth(s, health(1, [1, 1, 1], 'r2')).layers[0].steps).toEqual([1]);
    for (let i = 3; i <= MAX_HEALTH_POINTS + 1; i++) s = applyHealth(s, health(i, [1, 0, 1]));
    expect(s.layers[0].steps.length).toBeLessThanOrEqual(MAX_HEALTH_POINTS);
    expect(s.layers[0].steps[s.layers[0].steps.length - 1]).toBe(MAX_HEALTH_POINTS + 1);
  });
  it('puts log ticks on decades covering the range', () => {
    expect(logTicks(0.003, 20)).toEqual([0.001, 0.01, 0.1, 1, 10, 100]);
    expect(logTicks(0, 1)).toEqual([]);
  });
  it('re-bins histograms onto one range: a column that moved right lights higher rows', () => {
    const h = (step: number, min: number, max: number) => ({ step, min, max, counts: Uint32Array.from([0, 10]) });
    const { min, max, cells } = heatColumns([h(1, 0, 1), h(2, 0, 2)], 4);
    expect([min, max]).toEqual([0, 2]);
    // column 0: all mass at 0.75 → bin 1 of [0,2]/4; column 1: at 1.5 → bin 3
    expect([...cells.slice(0, 4)]).toEqual([0, 1, 0, 0]);
    expect([...cells.slice(4, 8)]).toEqual([0, 0, 0, 1]);
  });
  it('keeps parameter histograms per name and kind, once per step', () => {
    const hist = { min: 0, max: 1, counts: new Uint32Array(32) };
    const p = {
      name: 'c_weight',
      block: 'conv1',
      owner: 'conv1',
      shape: [2],
      weight: { stats, histogram: hist },
      grad: { stats, histogram: hist },
    };
    let h = addHistograms({}, 1, [p]);
    h = addHistograms(h, 1, [p]);
    h = addHistograms(h, 2, [{ ...p, grad: undefined }]);
    expect(h['c_weight/weight'].map((x) => x.step)).toEqual([1, 2]);
    expect(h['c_weight/grad'].map((x) => x.step)).toEqual([1]);
  });
  it('turns vanishing / exploding / dead anomalies into one warning per block and kind', () => {
    const a = (kind: AnomalyEvent['kind'], block: string, step: number): AnomalyEvent => ({
      runId: 'r',
      kind,
      block,
      step,
      message: `${kind} at ${block}`,
      paused: false,
    });
    let w = addWarning([], a('vanishing', 'seq/dense0', 3));
    w = addWarning(w, a('vanishing', 'seq/dense0', 7));
    w = addWarning(w, a('dead', 'seq/dense1', 7));
    expect(addWarning(w, a('nan', 'seq/dense1', 8))).toBe(w);
    expect(w.map((x) => [x.path, x.kind, x.step])).toEqual([
      ['seq/dense0', 'vanishing', 7],
      ['seq/dense1', 'dead', 7],
    ]);
    expect(warningsAt(w, 'seq')).toHaveLength(2);
    expect(warningsAt(w, 'seq/dense1')).toHaveLength(1);
    expect(warningsAt(w, 'se')).toHaveLength(0);
  });
});

describe('evaluation', () => {
  const r: EvaluateResult = {
    split: 'test',
    samples: 6,
    accuracy: 0.5,
    classes: ['cat', 'dog'],
    precision: new Float32Array([0.5, 0.5]),
    recall: new Float32Array([2 / 3, 1 / 3]),
    support: new Int32Array([3, 3]),
    confusion: new Int32Array([2, 1, 2, 1]),
    misclassified: {
      indices: new Int32Array([4, 7, 9]),
      labels: new Int32Array([0, 1, 1]),
      top: new Int32Array([1, 0, -1, 0, 1, -1, 0, 1, -1]),
      probs: new Float32Array([0.7, 0.3, 0, 0.6, 0.4, 0, 0.9, 0.1, 0]),
      total: 3,
    },
  };
  it('reads cells row-major (true × predicted), shares of a row and per-class accuracy', () => {
    expect(cell(r, 1, 0)).toBe(2);
    expect(shareOfRow(r, 1, 0)).toBeCloseTo(2 / 3);
    expect(perClassAccuracy(r).map((c) => c.name)).toEqual(['cat', 'dog']);
  });
  it('lists a cell’s misclassified samples with their top predictions', () => {
    expect(misclassified(r, { i: 1, j: 0 }).map((m) => m.index)).toEqual([7, 9]);
    expect(misclassified(r)[0]).toEqual({
      index: 4,
      label: 0,
      top: [
        { cls: 1, prob: expect.closeTo(0.7) },
        { cls: 0, prob: expect.closeTo(0.3) },
      ],
    });
  });
});

describe('runs', () => {
  it('thins curves to a bounded number of points, keeping the last', () => {
    const pts = Array.from({ length: 1000 }, (_, i) => ({ x: i, y: 1 / (i + 1) }));
    const t = thin(pts, 300);
    expect(t.length).toBeLessThanOrEqual(300 + 1);
    expect(t[t.length - 1][0]).toBe(999);
  });
  it('records an ended run only, and keeps at most MAX_RUNS', () => {
    const run = { ...emptyRun(), runId: 'r1', step: 10, state: 'done' as const, loss: [{ x: 1, y: 2 }] };
    expect(recordOf(run)).toBeNull();
    const rec = recordOf({ ...run, done: { runId: 'r1', state: 'done', epochs: 1, final: { testAcc: 0.8 } } })!;
    expect(rec).toMatchObject({ id: 'r1', steps: 10, final: { testAcc: 0.8 }, curves: { loss: [[1, 2]] } });
    let runs: RunRecord[] = [];
    for (let i = 0; i < MAX_RUNS + 3; i++) runs = withRun(runs, { ...rec, id: `r${i}` });
    expect(runs).toHaveLength(MAX_RUNS);
    expect(runs[0].id).toBe('r3');
    expect(withRun(runs, { ...rec, id: 'r5' }).filter((x) => x.id === 'r5')).toHaveLength(1);
  });
  it('saves a held run with the project as it stands; an ended or already recorded one is left as it is', () => {
    const doc = { format: 'netloom/network', version: 1, name: 'n', root: {} } as unknown as NetworkDoc;
    const held = { ...emptyRun(), runId: 'r1', step: 2, state: 'paused' as const, loss: [{ x: 1, y: 2 }] };
    const saved = withHeldRun(doc, held, 0);
    expect(runsOf(saved).map((r) => [r.id, r.state, r.steps, r.curves.loss])).toEqual([['r1', 'paused', 2, [[1, 2]]]]);
    expect(withHeldRun(saved, { ...held, step: 3 })).toBe(saved);
    const ended = { ...held, done: { runId: 'r1', state: 'stopped' as const, epochs: 0 } };
    expect(withHeldRun(doc, ended)).toBe(doc); // recorded when it ended, in the editor's document
    expect(withHeldRun(doc, { ...held, step: 0 })).toBe(doc);
  });
  it("seeds a resumed run's curves: this session's run, else the newest record when the saved step is at or past its end", () => {
    const rec = (id: string, steps: number): RunRecord => ({
      id,
      at: '',
      state: 'paused',
      config: null,
      epochs: 0,
      steps,
      seconds: null,
      curves: {
        loss: [
          [1, 3],
          [steps, 2],
        ],
        acc: [],
        valLoss: [],
        valAcc: [[steps, 0.4]],
      },
      final: {},
    });
    expect(resumeSeed(null, [rec('old', 9), rec('a', 5)], 5)?.curves.loss).toEqual([
      { x: 1, y: 3 },
      { x: 5, y: 2 },
    ]);
    expect(resumeSeed(null, [rec('a', 5)], 7)?.step).toBe(7); // saved a little later than recorded: still its past
    expect(resumeSeed(null, [rec('a', 5), rec('other', 40)], 5)).toBeUndefined(); // the newest is another run
    expect(resumeSeed(null, [], 5)).toBeUndefined();
    expect(resumeSeed(null, [rec('a', 5)], 0)).toBeUndefined();
    const live = { ...emptyRun(), runId: 'r', step: 4, loss: [{ x: 4, y: 1 }] };
    expect(resumeSeed(live, [rec('a', 5)], 4)?.curves.loss).toEqual([{ x: 4, y: 1 }]);
  });
});

describe('coalesce', () => {
  it('hands the first item on at once and later ones together after the interval', () => {
    vi.useFakeTimers();
    try {
      const got: number[][] = [];
      const c = coalesce<number>(
        (xs) => got.push(xs),
        100,
        () => Date.now(),
      );
      c.push(1);
      c.push(2);
      c.push(3);
      expect(got).toEqual([[1]]);
      vi.advanceTimersByTime(100);
      expect(got).toEqual([[1], [2, 3]]);
      c.push(4);
      c.cancel();
      vi.advanceTimersByTime(500);
      expect(got).toEqual([[1], [2, 3]]);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('format', () => {
  it('prints compact numbers', () => {
    expect([1e-6, 0.01, 1, 100, 1e4].map(decade)).toEqual(['1e-6', '0.01', '1', '100', '1e4']);
    expect([fmt(0), fmt(0.01234), fmt(12345), fmt(1.5e-7), fmt(NaN)]).toEqual([
      '0',
      '0.0123',
      '1.23e4',
      '1.50e-7',
      'NaN',
    ]);
  });
});
