// Blocks on ResNet-18, as a user works with them: collapse / expand in place, open a Residual and edit
// its definition (every instance follows), breadcrumb out, detach one instance, and the definition's
// typed arguments (add, validate, rename, bind a layer setting, instance values, remove).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, getDoc, useEditor } from './harness';
import { fit, select, settled } from './ui';

const page = useEditor('blocks', { theme: 'dark' });
type Doc = { definitions: Record<string, { args: { name: string; default?: unknown }[]; body: unknown }> };

/** Each Residual instance's parameter count as its node shows it (group header or collapsed node). */
async function residualParams(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  await fit(page()); // the canvas renders only what is in view
  for (const el of await page().locator('[data-type="Residual"]').all()) {
    const id = (await el.getAttribute('data-testid'))!.replace(/^node-/, '');
    out[id] = (await el.locator('.group-meta, .node-params').first().textContent())!.replace(
      /.*?([\d.]+[kM]?) params.*/s,
      '$1',
    );
  }
  return out;
}

describe('blocks', () => {
  it('collapses b2 to one node with its output shape and params, and expands it in place', async () => {
    await page().evaluate("window.__netloom.openTemplate('resnet18')");
    await page().getByTestId('collapse-b2').waitFor();
    await settled(page());
    await page().getByTestId('collapse-b2').click();
    const b2 = page().getByTestId('node-b2');
    expect(await b2.getAttribute('class')).toContain('collapsed');
    expect(await b2.getByTestId('out-b2').textContent()).toMatch(/^→ 64×\d+×\d+$/);
    expect(await b2.locator('.node-params').textContent()).toMatch(/[\d.]+k params/);
    expect(await page().locator('[data-testid^="node-b2/"]').count()).toBe(0);
    await fit(page());
    await page().screenshot({ path: path.join(ARTIFACTS, 'resnet18-b2-collapsed-dark.png') });
    await b2.locator('.node-expand').click();
    expect(await page().getByTestId('node-b2').getAttribute('class')).toContain('node-group');
    expect(await page().getByTestId('node-b2/r1').count()).toBe(1);
  });

  it('opens b2/r1, edits a conv inside the definition: every Residual follows; breadcrumb back out', async () => {
    const before = await residualParams();
    expect(Object.keys(before)).toHaveLength(8);
    await page().getByTestId('open-b2/r1').click();
    await expect.poll(() => page().getByTestId('breadcrumb').textContent()).toContain('r1 (Residual)');
    await settled(page());
    await select(page(), 'b2/r1/conv1');
    expect(await page().getByTestId('inspector').textContent()).toContain('every instance');
    // channels is bound to num_channels: bind it to a plain value, then type one.
    await page().getByTestId('bind-channels').selectOption('');
    await page().getByTestId('param-channels').fill('32');
    await page().screenshot({ path: path.join(ARTIFACTS, 'resnet18-residual-definition-dark.png') });
    await page().getByTestId('breadcrumb').locator('.crumb').first().click();
    await expect.poll(() => page().getByTestId('breadcrumb').locator('.crumb').count()).toBe(1);
    const after = await residualParams();
    for (const id of Object.keys(before)) expect(after[id], id).not.toBe(before[id]);
    expect(await page().getByTestId('status-errors').textContent()).toContain('valid');
  });

  it('detaches one instance and edits it alone: the others are unchanged', async () => {
    const before = await residualParams();
    await select(page(), 'b3/r2');
    await page().getByTestId('detach').click();
    await fit(page());
    expect(await page().locator('[data-type="Residual"]').count()).toBe(7);
    await page().getByTestId('node-b3/r2').locator('.node-expand').click();
    await fit(page());
    await select(page(), 'b3/r2/conv1');
    expect(await page().getByTestId('param-channels').inputValue()).toBe('32');
    await page().getByTestId('param-channels').fill('16');
    const after = await residualParams();
    for (const id of Object.keys(after)) expect(after[id], id).toBe(before[id]);
    const doc = (await getDoc(page())) as Doc;
    expect(JSON.stringify(doc.definitions.Residual.body)).toContain('"channels":32');
  });

  it("edits the definition's typed arguments; instances show and validate their values", async () => {
    await page().keyboard.press('Escape');
    await select(page(), 'b2/r1');
    const insp = page().getByTestId('inspector');
    expect(await insp.getByTestId('def-args-Residual').count()).toBe(1);
    await page().getByTestId('def-arg-new-name').fill('k');
    await page().getByTestId('def-arg-new-type').selectOption('int');
    await page().getByTestId('def-arg-add').click();
    await page().getByTestId('def-arg-default-k').fill('1.5');
    expect(await page().getByTestId('def-arg-default-k-error').textContent()).toContain('E_ARG_TYPE');
    await page().getByTestId('def-arg-default-k').fill('3');
    expect(await page().getByTestId('def-arg-default-k-error').count()).toBe(0);
    await page().getByTestId('def-arg-name-k').fill('ksize');
    await page().getByTestId('def-arg-name-k').press('Enter');
    let doc = (await getDoc(page())) as Doc;
    expect(doc.definitions.Residual.args.find((a) => a.name === 'ksize')).toMatchObject({ default: 3 });
    // Bind conv2's kernel size to the new argument, inside the definition.
    await page().getByTestId('open-b2/r1').click();
    await expect.poll(() => page().getByTestId('breadcrumb').textContent()).toContain('r1 (Residual)');
    await settled(page());
    await select(page(), 'b2/r1/conv2');
    await page().getByTestId('bind-kernelSize').selectOption('ksize');
    doc = (await getDoc(page())) as Doc;
    expect(JSON.stringify(doc.definitions.Residual.body)).toContain('"kernelSize":{"$arg":"ksize"}');
    await page().getByTestId('breadcrumb').locator('.crumb').first().click();
    await expect.poll(() => page().getByTestId('breadcrumb').locator('.crumb').count()).toBe(1);
    await settled(page());
    // The instance shows its arguments; typing checks the type, inference checks the range (min 1).
    await select(page(), 'b2/r1');
    await page().getByTestId('arg-num_channels').fill('six');
    expect(await page().getByTestId('arg-num_channels-error').textContent()).toContain('E_ARG_TYPE');
    await page().getByTestId('arg-num_channels').fill('0');
    await expect.poll(() => page().getByTestId('instance-arg-error').first().textContent()).toContain('E_ARG_TYPE');
    expect(await page().getByTestId('node-b2/r1').getAttribute('class')).toContain('has-error');
    await page().getByTestId('arg-num_channels').fill('64');
    expect(await page().getByTestId('instance-arg-error').count()).toBe(0);
    await page().screenshot({ path: path.join(ARTIFACTS, 'resnet18-instance-args-dark.png') });
    await page().getByTestId('def-arg-remove-ksize').click();
    doc = (await getDoc(page())) as Doc;
    expect(JSON.stringify(doc)).not.toContain('ksize');
    expect(await page().getByTestId('status-errors').textContent()).toContain('valid');
  });
});
