// Files and the engine, as a user meets them: the recovery copy after a reload, the unsaved-changes
// guard, a malformed file that is never overwritten, and the engine process crashing under the page.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, getDoc, useEditor } from './harness';
import { select } from './ui';

const page = useEditor('files', { theme: 'light' });
type Files = { __files: Map<string, string>; __openName: string };

describe('files', () => {
  it('keeps a recovery copy: reload without saving, Restore gives the edited document', async () => {
    await select(page(), 'dense1');
    await page().getByTestId('param-units').fill('64');
    const edited = await getDoc(page());
    // One recovery copy per window (`netloom.recovery.<window id>`).
    await expect
      .poll(() => page().evaluate("Object.keys(localStorage).some((k) => k.startsWith('netloom.recovery.'))"))
      .toBe(true);
    await page().reload();
    await page().getByTestId('recovery').waitFor();
    await page().screenshot({ path: path.join(ARTIFACTS, 'recovery-banner-light.png') });
    await page().getByTestId('recovery').getByText('Restore').click();
    expect(await getDoc(page())).toEqual(edited);
    expect(await page().getByTestId('status-dirty').count()).toBe(1);
  });

  it('asks before New or a template discards unsaved changes; Cancel keeps the document', async () => {
    const doc = await getDoc(page());
    await page().getByTestId('btn-new').click();
    await page().getByTestId('confirm-discard').waitFor();
    await page().screenshot({ path: path.join(ARTIFACTS, 'unsaved-guard-light.png') });
    await page().getByTestId('confirm-cancel').click();
    expect(await getDoc(page())).toEqual(doc);
    await page().getByTestId('btn-templates').click();
    await page().getByTestId('template-mlp').click();
    await page().getByTestId('confirm-discard').waitFor();
    await page().keyboard.press('Escape');
    expect(await page().getByTestId('confirm-discard').count()).toBe(0);
    expect(await getDoc(page())).toEqual(doc);
    await page().getByTestId('btn-new').click();
    await page().getByTestId('confirm-discard-ok').click();
    expect(await page().locator('.react-flow__node-layer').count()).toBe(0);
  });

  it('after a failed open, Save still targets the previous file (a malformed file is never overwritten)', async () => {
    const BAD = '{"format":"netloom/network","version":1,"name":""}';
    await page().evaluate(async (bad) => {
      const w = window as unknown as Files & {
        __netloom: { openTemplate(id: string): void; docStore: { getState(): { doc: unknown } } };
      };
      w.__netloom.openTemplate('lenet');
      w.__files.set('mine.netloom.json', JSON.stringify(w.__netloom.docStore.getState().doc));
      w.__files.set('bad.netloom.json', bad);
      w.__openName = 'mine.netloom.json';
    }, BAD);
    await page().getByTestId('btn-open').click();
    await expect.poll(() => page().getByTestId('status-dirty').count()).toBe(0);
    await select(page(), 'dense1');
    await page().getByTestId('param-units').fill('96');
    await page().evaluate("window.__openName = 'bad.netloom.json'");
    await page().getByTestId('btn-open').click();
    await page().getByTestId('confirm-discard-ok').click();
    await page().getByTestId('file-error').waitFor();
    await page().keyboard.press('Escape');
    const edited = await getDoc(page());
    await page().getByTestId('btn-save').click();
    await expect
      .poll(() => page().evaluate("JSON.parse(window.__files.get('mine.netloom.json')).root.children[5].params.units"))
      .toBe(96);
    expect(await page().evaluate("window.__files.get('bad.netloom.json')")).toBe(BAD);
    expect(JSON.parse((await page().evaluate("window.__files.get('mine.netloom.json')")) as string)).toEqual(edited);
  });
});

describe('engine', () => {
  it('says so when the engine process crashes, leaves the document alone, and gets the engine info back', async () => {
    const info = page().getByTestId('engine-info');
    await expect
      .poll(() => info.getAttribute('data-pid'), { timeout: 30_000 })
      .toBe(String(page.session().server.engine.pid));
    const pid = page.session().server.engine.pid!;
    const doc = await getDoc(page());
    process.kill(pid, 'SIGKILL');
    await expect
      .poll(() => page().getByTestId('toast').allTextContents(), { timeout: 15_000 })
      .toContainEqual('The engine process crashed and was restarted; your document is untouched.');
    await page().screenshot({ path: path.join(ARTIFACTS, 'engine-crashed-light.png') });
    expect(await getDoc(page())).toEqual(doc);
    await expect.poll(() => info.getAttribute('data-pid'), { timeout: 30_000 }).not.toBe(String(pid));
    expect(await info.getAttribute('data-pid')).toBe(String(page.session().server.engine.pid));
    expect(await info.textContent()).toMatch(/Engine backend: \w+/);
  });
});
