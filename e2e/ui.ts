// Gestures a user makes, for the specs: drag from the palette, wire two handles, select.
import type { Page } from 'playwright-core';

export async function dragFromPalette(page: Page, type: string, x: number, y: number) {
  const canvas = page.getByTestId('canvas');
  await page.getByTestId(`palette-${type}`).dragTo(canvas, { targetPosition: { x, y } });
}

/** Drags a connection from `from`'s output handle to `to`'s input port. */
export async function wire(page: Page, from: string, to: string, port = 0) {
  const src = page.locator(`[data-testid="node-${from}"] .react-flow__handle.source[data-handleid="out"]`);
  const dst = page.getByTestId(`port-${to}-in-${port}`);
  const a = (await src.boundingBox())!,
    b = (await dst.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2 + 10, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
  await page.waitForTimeout(80);
}

export const label = (page: Page, from: string, to: string) =>
  page.getByTestId(`edge-label-${from}->${to}`).textContent();

export async function select(page: Page, ...paths: string[]) {
  for (const [i, p] of paths.entries()) {
    await page
      .getByTestId(`node-${p}`)
      .locator('.node-type')
      .first()
      .click({ modifiers: i ? ['Control'] : [] });
  }
}

export async function fit(page: Page) {
  await page.getByTestId('btn-fit').click();
  await page.waitForTimeout(120);
}
