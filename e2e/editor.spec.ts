// The editor as a new user meets it, in Chromium through the browser shell (`netloom serve`).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, getDoc, useEditor } from './harness';
import { dragFromPalette, fit, label, select, settled, wire } from './ui';

const page = useEditor('editor', { theme: 'dark' });
const layerCount = () => page().locator('.react-flow__node-layer').count();
const ui = (expr: string) => page().evaluate(expr);

describe('editor', () => {
  it("starts with LeNet: 7 layers and the seed's shapes", async () => {
    expect(await layerCount()).toBe(7);
    const chain = ['conv1', 'pool1', 'conv2', 'pool2', 'flatten', 'dense1', 'dense2'];
    const shapes = ['20×24×24', '20×12×12', '50×10×10', '50×5×5', '1250', '128'];
    for (let i = 0; i < shapes.length; i++) expect(await label(page(), chain[i], chain[i + 1])).toBe(shapes[i]);
    expect(await page().getByTestId('out-dense2').textContent()).toContain('10');
    expect(await page().getByTestId('status-params').textContent()).toContain('170,988');
    await expect
      .poll(() => page().getByTestId('engine-info').textContent(), { timeout: 20_000 })
      .toMatch(/Engine backend: \w+|engine offline/);
    await page().screenshot({ path: path.join(ARTIFACTS, 'lenet-dark.png') });
    await page().getByTestId('btn-theme').click();
    await page().screenshot({ path: path.join(ARTIFACTS, 'lenet-light.png') });
  });

  it('shows ResNet-18 from the gallery (screenshots, light and dark)', async () => {
    await page().getByTestId('btn-templates').click();
    await page().getByTestId('template-resnet18').click();
    await expect.poll(() => page().locator('[data-type="Residual"]').count()).toBe(8);
    await settled(page());
    await page().screenshot({ path: path.join(ARTIFACTS, 'resnet18-light.png') });
    await page().getByTestId('btn-theme').click();
    await page().screenshot({ path: path.join(ARTIFACTS, 'resnet18-dark.png') });
    await page().getByTestId('open-b2/r1').click();
    await expect.poll(() => page().getByTestId('breadcrumb').textContent()).toContain('r1');
    await settled(page());
    await page().screenshot({ path: path.join(ARTIFACTS, 'resnet18-residual-open-dark.png') });
    // Inside the opened block, edges from its input carry the block's input shape, not the network's.
    expect(await label(page(), '__input', 'b2/r1/conv1')).toBe('64×24×24');
  });

  it('builds Conv2D → MaxPool2D → Flatten → Dense by dragging and wiring', async () => {
    await page().getByTestId('btn-new').click();
    expect(await layerCount()).toBe(0);
    await dragFromPalette(page(), 'Conv2D', 300, 160);
    await dragFromPalette(page(), 'MaxPool2D', 300, 290);
    await dragFromPalette(page(), 'Flatten', 300, 420);
    await dragFromPalette(page(), 'Dense', 300, 550);
    expect(await layerCount()).toBe(4);
    await fit(page());
    await wire(page(), '__input', 'conv1');
    await wire(page(), 'conv1', 'pool1');
    await wire(page(), 'pool1', 'flatten1');
    await wire(page(), 'flatten1', 'dense1');
    expect(await label(page(), 'conv1', 'pool1')).toBe('16×26×26');
    expect(await label(page(), 'pool1', 'flatten1')).toBe('16×13×13');
    expect(await label(page(), 'flatten1', 'dense1')).toBe('2704');
    expect(await page().getByTestId('status-errors').textContent()).toContain('valid');
  });

  it('pins a wrong wiring to the right port, and refuses a cycle with a reason', async () => {
    await dragFromPalette(page(), 'Conv2D', 650, 300);
    await fit(page());
    await wire(page(), 'dense1', 'conv2');
    const port = page().getByTestId('port-conv2-in-0');
    expect(await port.getAttribute('class')).toContain('port-error');
    const title = await port.getAttribute('title');
    expect(
      title,
      String(title) + ' / ' + JSON.stringify(await ui('window.__netloom.docStore.getState().doc.root')),
    ).toContain('E_RANK');
    await page().getByTestId('problem').filter({ hasText: 'E_RANK' }).click();
    expect(await ui('window.__netloom.ui.getState().selected')).toEqual(['conv2']);
    await wire(page(), 'conv2', 'conv1');
    await expect.poll(() => page().getByTestId('toast').last().textContent()).toMatch(/cycle|one input/);
    await page().screenshot({ path: path.join(ARTIFACTS, 'wiring-error-dark.png') });
  });

  it('makes a block from two layers and instantiates it twice', async () => {
    await ui("window.__netloom.openTemplate('lenet')");
    await page().getByTestId('node-flatten').waitFor();
    await settled(page());
    await select(page(), 'flatten', 'dense1');
    await page().getByTestId('make-block-name').fill('Head');
    await page().getByTestId('make-block').click();
    expect(await page().locator('[data-type="Head"]').count()).toBe(1);
    await select(page(), 'head1');
    await page().getByTestId('palette-Head').dblclick();
    await page().getByTestId('palette-Head').dblclick();
    expect(await page().locator('[data-type="Head"]').count()).toBe(3);
    expect(await page().getByTestId('status-errors').textContent()).toContain('valid');
    await fit(page());
    expect(await page().getByTestId('node-head3').locator('.group-meta').textContent()).toContain('→ 128');
    expect(await page().getByTestId('out-dense2').textContent()).toContain('10');
  });

  it('shares parameters between two Dense layers (and shows a bad share on its edge); undo/redo', async () => {
    await ui("window.__netloom.openTemplate('lenet')");
    await page().getByTestId('node-dense1').waitFor();
    await settled(page());
    await select(page(), 'dense1');
    await page().getByTestId('palette-Dense').dblclick();
    await page().getByTestId('param-units').fill('128');
    await page().getByTestId('palette-Dense').dblclick();
    await page().getByTestId('param-units').fill('128');
    await page().getByTestId('share-select').selectOption('dense3');
    expect(await page().getByTestId('node-dense4').getByTestId('badge-share').count()).toBe(1);
    expect(await page().getByTestId('node-dense3').getByTestId('badge-owner').count()).toBe(1);
    expect(await label(page(), 'dense3', 'dense4')).toBe('128');
    expect(await page().getByTestId('status-errors').textContent()).toContain('valid');
    const shared = await getDoc(page());
    // A share between incompatible shapes is an error on the share edge.
    await fit(page());
    await select(page(), 'dense2');
    await page().getByTestId('share-select').selectOption('dense1');
    expect(await page().getByTestId('share-label-dense1->dense2').textContent()).toBe('E_SHARE_SHAPE');
    await page().keyboard.press('Escape');
    await page().keyboard.press('Control+z');
    expect(await getDoc(page())).toEqual(shared);
    await page().keyboard.press('Control+Shift+z');
    expect(await getDoc(page())).not.toEqual(shared);
    await page().keyboard.press('Control+z');
    expect(await getDoc(page())).toEqual(shared);
  });

  it('saves, reloads and opens the identical document; a malformed file is refused', async () => {
    const before = await getDoc(page());
    await page().getByTestId('btn-save').click();
    await expect.poll(() => page().evaluate('[...window.__files.values()].length')).toBe(1);
    const text = (await page().evaluate('[...window.__files.values()][0]')) as string;
    expect(JSON.parse(text)).toEqual(before);
    await page().reload();
    await page().getByTestId('canvas').waitFor();
    await page().evaluate((t) => {
      const w = window as unknown as { __files: Map<string, string>; __openName: string };
      w.__files.set('bad.netloom.json', '{"format":"netloom/network","version":1,"name":""}');
      w.__files.set('mine.netloom.json', t);
      w.__openName = 'bad.netloom.json';
    }, text);
    const lenet = await getDoc(page());
    await page().getByTestId('btn-open').click();
    await page().getByTestId('file-error').waitFor();
    expect(await page().getByTestId('file-error').textContent()).toContain('E_SCHEMA');
    expect(await getDoc(page())).toEqual(lenet);
    await page().keyboard.press('Escape');
    await page().evaluate("window.__openName = 'mine.netloom.json'");
    await page().getByTestId('btn-open').click();
    await expect.poll(() => getDoc(page())).toEqual(before);
  });
});
