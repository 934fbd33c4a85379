// Recovery copies with several windows of one origin (one localStorage): each window keeps its own copy, a
// window that becomes clean removes only its own, and a window that is gone leaves its unsaved work to be
// offered by the next window that starts — never a live window's.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { getDoc, useEditor } from './harness';
import { select } from './ui';

const first = useEditor('recovery');

/** Another window of the same origin (same browser context, so the same localStorage). */
async function openWindow(): Promise<Page> {
  const p = await first().context().newPage();
  p.on('pageerror', (e) => console.error('[page error]', e.message));
  await p.goto(first.session().server.url);
  await p.getByTestId('canvas').waitFor();
  return p;
}

/** The recovery copies in storage: key → the units of LeNet's dense1 in that copy. */
const copies = (p: Page) =>
  p.evaluate(() =>
    Object.fromEntries(
      Object.keys(localStorage)
        .filter((k) => k.startsWith('netloom.recovery'))
        .map((k) => [k, JSON.parse(localStorage.getItem(k)!).doc.root.children[5].params.units as number]),
    ),
  );
const units = (c: Record<string, number>) => Object.values(c).sort((a, b) => a - b);

async function edit(p: Page, n: number) {
  await select(p, 'dense1');
  await p.getByTestId('param-units').fill(String(n));
}

describe('recovery copies across windows', () => {
  let second: Page;

  it('two unsaved windows keep two copies; the one that saves removes only its own', async () => {
    second = await openWindow();
    await edit(first(), 64);
    await edit(second, 32);
    await expect.poll(async () => units(await copies(first()))).toEqual([32, 64]);
    await second.getByTestId('btn-save').click();
    await expect.poll(() => second.getByTestId('status-dirty').count()).toBe(0);
    // The saved window's copy goes; the other window's unsaved work stays (it used to be deleted too).
    await expect.poll(async () => units(await copies(first()))).toEqual([64]);
    // Neither live window is offered the other's copy.
    expect(await first().getByTestId('recovery-item').count()).toBe(0);
    expect(await second.getByTestId('recovery-item').count()).toBe(0);
    await second.close();
  });

  it("a closed window's unsaved copy is offered to the next window and restored there", async () => {
    const gone = await openWindow();
    await edit(gone, 16);
    await expect.poll(async () => units(await copies(first()))).toEqual([16, 64]);
    await gone.close();
    const next = await openWindow();
    // Exactly the orphan: the first window is alive, so its copy (64) is not offered.
    const item = next.getByTestId('recovery-item');
    await item.waitFor();
    expect(await item.count()).toBe(1);
    await item.getByText('Restore').click();
    const doc = (await getDoc(next)) as { root: { children: { params: { units: number } }[] } };
    expect(doc.root.children[5].params.units).toBe(16);
    // The restored work is now the new window's own copy; the orphan's key is gone; the first window's stays.
    await expect.poll(async () => units(await copies(first()))).toEqual([16, 64]);
    const keys = Object.keys(await copies(first()));
    expect(keys).toHaveLength(2);
    expect(await first().getByTestId('recovery-item').count()).toBe(0);
    await next.getByTestId('btn-save').click();
    await expect.poll(async () => units(await copies(first()))).toEqual([64]);
    await next.close();
  });

  it('a reloaded window finds its own earlier copy orphaned and offers it', async () => {
    const w = await openWindow();
    await edit(w, 8);
    await expect.poll(async () => units(await copies(first()))).toContain(8);
    await w.reload();
    await w.getByTestId('recovery-item').waitFor();
    expect(await w.getByTestId('recovery-item').count()).toBe(1);
    await w.getByTestId('recovery').getByText('Restore').click();
    const doc = (await getDoc(w)) as { root: { children: { params: { units: number } }[] } };
    expect(doc.root.children[5].params.units).toBe(8);
    await w.close();
  });
});
