// Every template with small inputs, trained a few steps in Netloom, exported to PyTorch and run by its own
// model.py in python3 (Debian's python3-torch) on real Fashion-MNIST images: the logits agree with Netloom's
// predict (BatchNorm in inference mode, running statistics); shared parameters are one Parameter; constants
// are buffers. The 224- and 96-input templates are in pytorch-large.test.ts (they take minutes).
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEMPLATE_IDS, loadTemplate } from '../../../templates';
import { selectBackend } from '../../runtime';
import { haveFashion } from '../testing/fixtures';
import { torchPython } from './python';
import { EDGE_DOC } from './testing/edge-doc';
import { expectRoundtrip, LARGE } from './testing/expect';
import { roundtrip, tempDir, type Roundtrip } from './testing/roundtrip';

const python = torchPython();
const skip = !python
  ? 'no python3 with torch (Debian: apt-get install python3-torch)'
  : !haveFashion()
    ? 'no Fashion-MNIST in /usr/share/datasets'
    : null;
if (skip) console.log(`PyTorch export tests skipped: ${skip}`);

const ids = TEMPLATE_IDS.filter((id) => !LARGE.includes(id));
const root = tempDir();
let results: Map<string, Roundtrip>;

beforeAll(async () => {
  if (skip) return;
  await selectBackend('wasm');
  const docs = Object.fromEntries(ids.map((id) => [id, loadTemplate(id)]));
  results = await roundtrip(python!, { ...docs, edge: EDGE_DOC }, root);
}, 900_000);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe.skipIf(!!skip)('PyTorch export: every small template runs in PyTorch as in Netloom', () => {
  it.each(ids)('%s: model.py gives Netloom’s logits within 1e-4', (id) => expectRoundtrip(results.get(id)));

  it('shared-mlp: the tied layer holds the shared layer’s Parameters (one Parameter each, trained once)', () => {
    const r = results.get('shared-mlp')!;
    // first, shared, out: weight + bias each; `tied` adds no Parameter although it has its own module.
    expect(r.counts!.parameters).toBe(6);
    expect(fs.readFileSync(`${r.dir}/model.py`, 'utf8')).toMatch(/share\(self\.tied, self\.shared\)/);
  });

  it('fancy-mlp: the constant layer is buffers, the Dense applied twice is one module', () => {
    const r = results.get('fancy-mlp')!;
    expect(r.counts!.buffers).toEqual(['const.bias', 'const.weight']);
    expect(r.counts!.parameters).toBe(2);
    expect(fs.readFileSync(`${r.dir}/model.py`, 'utf8').match(/x = self\.dense\(x\)/g)).toHaveLength(2);
  });

  it('edge cases: ceil-mode and wide-padding pools, a graph applying a layer twice, BatchNorm on vectors, a frozen block', () => {
    const r = results.get('edge');
    expectRoundtrip(r);
    const py = fs.readFileSync(`${r!.dir}/model.py`, 'utf8');
    expect(py).toContain('Pool2D("avg", 3, stride=2, padding=1, ceil_mode=True)');
    expect(py).toContain('BatchNorm(eps=1e-5, momentum=0.2)'); // Gluon's 0.8 keeps 80 %: PyTorch's 0.2
    expect(py).toContain('share(self.fc2, self.fc)');
    expect(py).toContain('self.a = Conv2D(4, kernel_size=(3, 5), padding=(1, 2), activation="sigmoid")');
    expect(py).toContain('share(self.b, self.a)');
    expect(py).toMatch(/FROZEN = \["[^"]*conv0_weight", "[^"]*conv0_bias"\]/);
  });

  it('lenet-bn: BatchNorm running statistics are buffers, loaded from the trained values', () => {
    const r = results.get('lenet-bn')!;
    expect(r.counts!.buffers.filter((b) => /running_(mean|var)$/.test(b))).toHaveLength(6);
  });
});
