// The 224- and 96-input templates (AlexNet, VGG-11, NiN, GoogLeNet, ResNet-18, DenseNet) at their real input
// sizes: trained one tiny step (224) or two (96) in Netloom, exported to PyTorch, run by model.py in python3 on
// real Fashion-MNIST images; the logits agree with Netloom's predict within 1e-4. Slow: minutes of tfjs work.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { loadTemplate } from '../../../templates';
import { selectBackend } from '../../runtime';
import { haveFashion } from '../testing/fixtures';
import { torchPython } from './python';
import { expectRoundtrip, LARGE } from './testing/expect';
import { roundtrip, tempDir, type Roundtrip } from './testing/roundtrip';

const python = torchPython();
const skip = !python
  ? 'no python3 with torch (Debian: apt-get install python3-torch)'
  : !haveFashion()
    ? 'no Fashion-MNIST in /usr/share/datasets'
    : null;
if (skip) console.log(`PyTorch export tests (large templates) skipped: ${skip}`);

const root = tempDir();
let results: Map<string, Roundtrip>;

beforeAll(async () => {
  if (skip) return;
  await selectBackend('wasm');
  results = await roundtrip(python!, Object.fromEntries(LARGE.map((id) => [id, loadTemplate(id)])), root);
}, 1_800_000);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe.skipIf(!!skip)('PyTorch export: the large templates run in PyTorch as in Netloom', () => {
  it.each(LARGE)('%s: model.py gives Netloom’s logits within 1e-4', (id) => expectRoundtrip(results.get(id)));
});
