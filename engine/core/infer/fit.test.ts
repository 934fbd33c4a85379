import { describe, expect, it } from 'vitest';
import { inferNetwork } from './index';
import { fitWeights, fitsExactly } from './fit';
import { doc, layer, seq } from './testdocs';

const params = (root: Record<string, unknown>) => inferNetwork(doc(root)).parameters;
const lenet = (channels = 6, extra: Record<string, unknown>[] = []) =>
  seq(
    'net',
    layer('c1', 'Conv2D', { channels, kernelSize: 5 }),
    layer('p1', 'MaxPool2D', { poolSize: 2 }),
    ...extra,
    layer('f', 'Flatten'),
    layer('d1', 'Dense', { units: 32 }),
    layer('d2', 'Dense', { units: 10 }),
  );

describe('fitWeights: which saved weights still fit after an edit', () => {
  it('an unchanged network keeps every parameter under its own name', () => {
    const p = params(lenet());
    const f = fitWeights(p, p);
    expect(Object.keys(f.keep).sort()).toEqual(p.map((x) => x.name).sort());
    expect(f.dropped).toEqual([]);
    expect(fitsExactly(f)).toBe(true);
  });

  it('more channels in c1 drops c1 and the Dense that reads its output, and nothing else', () => {
    const saved = params(lenet(6));
    const f = fitWeights(saved, params(lenet(8)));
    expect(f.dropped.map((d) => `${d.owner} ${d.name}`)).toEqual([
      expect.stringMatching(/^c1 .*weight$/),
      expect.stringMatching(/^c1 .*bias$/),
      expect.stringMatching(/^d1 .*weight$/),
    ]);
    expect(f.dropped[0].message).toBe('c1 weight was (6, 1, 5, 5), is now (8, 1, 5, 5)');
    // d1's bias (32) and all of d2 still fit.
    expect(Object.keys(f.keep)).toHaveLength(3);
    expect(fitsExactly(f)).toBe(false);
  });

  it('inserting a layer of the same kind re-keys the later ones by their block, not their renumbered Gluon name', () => {
    const saved = params(lenet());
    const now = params(
      seq(
        'net',
        layer('c0', 'Conv2D', { channels: 1, kernelSize: 1 }),
        ...(lenet().children as Record<string, unknown>[]),
      ),
    );
    const f = fitWeights(saved, now);
    const c1 = now.find((p) => p.owner === 'c1' && p.param === 'weight')!;
    const c1Saved = saved.find((p) => p.owner === 'c1' && p.param === 'weight')!;
    expect(c1.name).not.toBe(c1Saved.name); // conv0 → conv1: the Gluon name moved
    expect(f.keep[c1.name]).toBe(c1Saved.name);
    expect(f.fresh).toEqual(now.filter((p) => p.owner === 'c0').map((p) => p.name));
    expect(f.dropped).toEqual([]);
  });

  it('a removed layer is reported as removed, not dropped', () => {
    const saved = params(lenet());
    const now = params(
      seq(
        'net',
        layer('c1', 'Conv2D', { channels: 6, kernelSize: 5 }),
        layer('p1', 'MaxPool2D', { poolSize: 2 }),
        layer('f', 'Flatten'),
        layer('d2', 'Dense', { units: 10 }),
      ),
    );
    const f = fitWeights(saved, now);
    expect(f.removed.sort()).toEqual(
      saved
        .filter((p) => p.owner === 'd1')
        .map((p) => p.name)
        .sort(),
    );
    // d2's weight now reads the flattened conv output directly: it is there but no longer fits.
    expect(f.dropped.map((d) => d.owner)).toEqual(['d2']);
  });
});
