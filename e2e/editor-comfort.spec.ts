// Editing comfort: a drag is one undo step, multi-select (shift-click, box), copy / paste / duplicate
// across blocks, delete, select all, zoom to fit; and the templates gallery lists every template.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEMPLATE_IDS } from '../templates';
import { ARTIFACTS, getDoc, useEditor } from './harness';
import { fit, select } from './ui';

const page = useEditor('comfort', { theme: 'dark' });
const selected = () => page().evaluate('window.__netloom.ui.getState().selected') as Promise<string[]>;
const history = () => page().evaluate('window.__netloom.docStore.getState().past.length') as Promise<number>;
const children = async (id: string) =>
  ((await getDoc(page())) as { root: { children: { id: string; children?: { id: string }[] }[] } }).root.children
    .find((c) => c.id === id)!
    .children!.map((c) => c.id);
const viewport = () => page().locator('.react-flow__viewport').getAttribute('style');

describe('editing comfort', () => {
  it('a drag is one undo step: Ctrl+Z restores the position', async () => {
    const before = await getDoc(page());
    const steps = await history();
    const box = (await page().getByTestId('node-conv2').boundingBox())!;
    const before2 = (await page().getByTestId('node-conv2').boundingBox())!;
    await page().mouse.move(box.x + 60, box.y + 12);
    await page().mouse.down();
    for (let i = 1; i <= 12; i++) await page().mouse.move(box.x + 60 + i * 15, box.y + 12 + i * 4);
    await page().mouse.up();
    await expect.poll(history).toBe(steps + 1);
    expect((await page().getByTestId('node-conv2').boundingBox())!.x).toBeGreaterThan(before2.x + 100);
    await page().keyboard.press('Control+z');
    expect(await getDoc(page())).toEqual(before);
    expect((await page().getByTestId('node-conv2').boundingBox())!.x).toBeCloseTo(before2.x, 0);
  });

  it('multi-selects with shift-click and with a box; Ctrl+A selects all; Escape clears', async () => {
    await select(page(), 'conv1');
    await page()
      .getByTestId('node-pool1')
      .locator('.node-type')
      .click({ modifiers: ['Shift'] });
    expect((await selected()).sort()).toEqual(['conv1', 'pool1']);
    await page().keyboard.press('Escape');
    expect(await selected()).toEqual([]);
    const a = (await page().getByTestId('node-conv2').boundingBox())!,
      b = (await page().getByTestId('node-flatten').boundingBox())!;
    await page().keyboard.down('Shift');
    await page().mouse.move(Math.min(a.x, b.x) - 30, a.y - 12);
    await page().mouse.down();
    await page().mouse.move(Math.max(a.x + a.width, b.x + b.width) + 30, b.y + b.height + 12, { steps: 8 });
    await page().mouse.up();
    await page().keyboard.up('Shift');
    expect((await selected()).sort()).toEqual(['conv2', 'flatten', 'pool2']);
    expect(await page().getByTestId('inspector').textContent()).toContain('3 blocks selected');
    await page().keyboard.press('Control+a');
    expect(await selected()).toHaveLength(7);
    await page().keyboard.press('Escape');
  });

  it('copies, pastes and duplicates across blocks; deletes', async () => {
    await page().evaluate("window.__netloom.openTemplate('resnet18')");
    await fit(page());
    await select(page(), 'b1/bn');
    await page().keyboard.press('Control+c');
    await select(page(), 'b6/gap');
    await page().keyboard.press('Control+v');
    expect(await children('b6')).toEqual(['gap', 'bn1', 'out']);
    expect(await selected()).toEqual(['b6/gap']);
    await fit(page());
    await select(page(), 'b1/relu');
    await page().keyboard.press('Control+d');
    expect(await children('b1')).toEqual(['conv', 'bn', 'relu', 'relu1', 'pool']);
    await fit(page());
    await select(page(), 'b1/relu1');
    await page().keyboard.press('Delete');
    expect(await children('b1')).toEqual(['conv', 'bn', 'relu', 'pool']);
    expect(await page().getByTestId('status-errors').textContent()).toContain('valid');
  });

  it('zooms to fit with F after zooming in', async () => {
    await fit(page());
    const fitted = await viewport();
    await page().locator('.react-flow__controls-zoomin').click();
    await page().locator('.react-flow__controls-zoomin').click();
    expect(await viewport()).not.toBe(fitted);
    await page()
      .getByTestId('canvas')
      .click({ position: { x: 5, y: 5 } });
    await page().keyboard.press('f');
    await expect.poll(viewport).toBe(fitted);
  });
});

describe('templates gallery', () => {
  it('lists every template with a thumbnail, a description and its size', async () => {
    await page().getByTestId('btn-templates').click();
    const cards = page().getByTestId('templates-dialog').locator('.template-card');
    expect(await cards.count()).toBe(TEMPLATE_IDS.length);
    for (const id of TEMPLATE_IDS) {
      const card = page().getByTestId(`template-${id}`);
      expect(await card.locator('svg.thumb rect').count(), id).toBeGreaterThan(0);
      expect((await card.locator('.template-desc').textContent())!.length, id).toBeGreaterThan(10);
      expect(await card.locator('.template-meta').textContent(), id).toMatch(/[\d.]+[kM]? params · \d+ layers/);
    }
    await page().screenshot({ path: path.join(ARTIFACTS, 'templates-gallery-dark.png') });
    await page().keyboard.press('Escape');
  });
});
