// The templates are golden fixtures: every one infers without errors to the shapes and parameter counts that
// manifest.json records. Those numbers come from manifest_check.py, which recomputes them independently.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inferNetwork, type NetworkDoc } from '../engine/core';
import { TEMPLATE_IDS, loadTemplate } from './index';
import manifest from './manifest.json';

interface Golden {
  output: number[];
  trainable: number;
  nonTrainable: number;
  children: { id: string; shape: number[] }[];
}
const GOLDEN = manifest as Record<string, Golden>;
const here = path.dirname(new URL(import.meta.url).pathname);
const infer = (id: string) => inferNetwork(loadTemplate(id));
const NETWORKS_MD = [
  'mlp',
  'fancy-mlp',
  'rec-mlp',
  'shared-mlp',
  'centered',
  'custom-init',
  'lenet',
  'dropout-mlp',
  'lenet-bn',
  'alexnet',
  'vgg11',
  'nin',
  'googlenet',
  'resnet18',
  'densenet',
];
const SMALL = ['alexnet', 'vgg11', 'nin', 'googlenet', 'resnet18', 'densenet'].map((id) => `${id}-small`);

describe('the template list', () => {
  it('has every network of NETWORKS.md and a small variant of each big one, each in the manifest', () => {
    expect([...TEMPLATE_IDS]).toEqual(expect.arrayContaining([...NETWORKS_MD, ...SMALL]));
    expect(Object.keys(GOLDEN).sort()).toEqual([...TEMPLATE_IDS].sort());
  });

  it('lists every JSON file in templates/', () => {
    const files = fs
      .readdirSync(here)
      .filter((f) => f.endsWith('.json') && f !== 'manifest.json')
      .map((f) => f.slice(0, -5));
    expect(files.sort()).toEqual([...TEMPLATE_IDS].sort());
  });

  it.skipIf(!hasPython())('agrees with manifest_check.py (the independent computation)', () => {
    expect(() => execFileSync('python3', [path.join(here, 'manifest_check.py')], { stdio: 'pipe' })).not.toThrow();
  });
});

describe.each(TEMPLATE_IDS)('template %s', (id) => {
  const r = infer(id);
  const golden = GOLDEN[id];

  it('infers without errors or warnings to the golden output and parameter counts', () => {
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.output).toEqual(golden.output);
    expect(r.params).toEqual({ trainable: golden.trainable, nonTrainable: golden.nonTrainable });
  });

  it('traces the root’s children to the golden shapes (the seed’s verbose mode)', () => {
    const children = r.blocks.filter((b) => b.path !== '' && !b.path.includes('/'));
    expect(children.map((b) => ({ id: b.path, shape: b.outputShape }))).toEqual(golden.children);
  });

  it('uses every definition it declares', () => {
    const used = new Set(r.blocks.map((b) => b.type));
    for (const name of Object.keys(r.doc?.definitions ?? {})) expect(used.has(name), name).toBe(true);
  });

  it('carries a one-line description and sensible training settings', () => {
    const doc = r.doc as NetworkDoc;
    expect(doc.description).toMatch(/^[^\n]{20,200}$/);
    if (id === 'fancy-mlp') return; // a forward-pass demo: 20 input features and 256 outputs fit no data set
    const t = doc.training!;
    expect(t.dataset).toBe('fashion-mnist');
    const [c, h, w] = doc.input.shape;
    expect(c).toBe(1);
    // The input shape is what the network sees: the image resized, or Fashion-MNIST's own 28×28.
    if (t.resize) expect(t.resize).toEqual([h, w]);
    else expect([h, w]).toEqual([28, 28]);
    if (t.optimizer === 'sgd') expect(t.momentum).toBeDefined();
    expect(golden.output).toEqual([10]);
  });
});

describe('capabilities the templates prove', () => {
  it('lenet: (20,24,24) → (20,12,12) → (50,10,10) → (50,5,5) → 1250 → 128 → 10, with the one-epoch settings', () => {
    const r = infer('lenet');
    expect(r.blocks.slice(1).map((b) => b.outputShape)).toEqual([
      [20, 24, 24],
      [20, 12, 12],
      [50, 10, 10],
      [50, 5, 5],
      [1250],
      [128],
      [10],
    ]);
    expect(r.params.trainable).toBe(170_988);
    expect(r.doc?.training).toMatchObject({ optimizer: 'sgd', lr: 0.1, momentum: 0.9, batchSize: 128 });
  });

  it('fancy-mlp: one Dense used by two blocks, and a constant x·W + 1 that is never trained', () => {
    const r = infer('fancy-mlp');
    const dense = r.parameters.filter((p) => p.owner === 'dense');
    expect(dense.map((p) => [p.name, p.shape, p.usedBy])).toEqual([
      ['fancymlp0_dense0_weight', [256, 20], ['dense', 'again']],
      ['fancymlp0_dense0_bias', [256], ['dense', 'again']],
    ]);
    const constant = r.parameters.filter((p) => p.owner === 'const');
    expect(constant.map((p) => [p.shape, p.trainable, p.init])).toEqual([
      [[20, 256], false, { type: 'uniform', low: 0, high: 1 }],
      [[20], false, { type: 'constant', value: 1 }],
    ]);
    expect(r.blocks.find((b) => b.path === 'again')).toMatchObject({ sharesWith: 'dense', params: 0 });
  });

  it('shared-mlp: the second Dense of the pair owns no parameters and uses the first one’s', () => {
    const r = infer('shared-mlp');
    expect(r.blocks.find((b) => b.path === 'tied')).toMatchObject({ params: 0, sharesWith: 'shared' });
    expect(r.parameters.some((p) => p.owner === 'tied')).toBe(false);
    expect(r.parameters.filter((p) => p.owner === 'shared').map((p) => [p.shape, p.usedBy])).toEqual([
      [
        [4, 4],
        ['shared', 'tied'],
      ],
      [[4], ['shared', 'tied']],
    ]);
  });

  it('rec-mlp: Sequential inside a Block inside a Sequential, named like Gluon', () => {
    const names = infer('rec-mlp').parameters.map((p) => p.name);
    expect(names).toContain('sequential0_recmlp0_sequential0_dense2_weight');
    expect(names).toContain('sequential0_recmlp0_dense0_weight');
  });

  it('custom-init: MyInit on every parameter with force_reinit', () => {
    const r = infer('custom-init');
    expect(r.doc?.forceReinit).toBe(true);
    expect(r.parameters.every((p) => p.init.type === 'my-init')).toBe(true);
  });

  it('resnet18: the 1×1 shortcut only where the stage halves the size', () => {
    const r = infer('resnet18');
    const shortcuts = r.blocks.filter((b) => b.id === 'conv3').map((b) => [b.path, b.type]);
    expect(shortcuts).toEqual([
      ['b2/r1/conv3', 'Identity'],
      ['b2/r2/conv3', 'Identity'],
      ['b3/r1/conv3', 'Conv2D'],
      ['b3/r2/conv3', 'Identity'],
      ['b4/r1/conv3', 'Conv2D'],
      ['b4/r2/conv3', 'Identity'],
      ['b5/r1/conv3', 'Conv2D'],
      ['b5/r2/conv3', 'Identity'],
    ]);
    expect(r.blocks.filter((b) => b.type === 'Residual')).toHaveLength(8);
  });

  it('resnet18 stays valid on 28×28 input (no resize)', () => {
    const doc = loadTemplate('resnet18') as NetworkDoc;
    const r = inferNetwork({ ...doc, input: { shape: [1, 28, 28] } });
    expect(r.errors).toEqual([]);
    expect(r.output).toEqual([10]);
    expect(r.params.trainable).toBe(GOLDEN.resnet18.trainable);
    expect(r.blocks.find((b) => b.path === 'b5')?.outputShape).toEqual([512, 1, 1]);
  });

  it('densenet: each dense unit concatenates 32 channels onto its input', () => {
    const r = infer('densenet');
    expect(r.blocks.filter((b) => /^db1\/unit\.\d$/.test(b.path)).map((b) => b.outputShape?.[0])).toEqual([
      96, 128, 160, 192,
    ]);
  });

  it('googlenet: an Inception concatenates its four paths', () => {
    const inc = infer('googlenet').blocks.find((b) => b.path === 'b3/inc1');
    expect(inc).toMatchObject({ type: 'Inception', outputShape: [64 + 128 + 32 + 32, 12, 12] });
  });
});

function hasPython(): boolean {
  try {
    execFileSync('python3', ['--version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}
