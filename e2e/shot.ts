// Quick look: `npx tsx e2e/shot.ts <template> <theme> [train]` writes e2e/artifacts/look-<template>-<theme>.png
// (with `train`: the Training panel open, `look-<template>-<theme>-train.png`). Waits on what it shows, never a timer.
import path from 'node:path';
import { ARTIFACTS, openEditor } from './harness';

const [tpl = 'lenet', theme = 'dark', panel] = process.argv.slice(2);
const s = await openEditor({ theme: theme as 'dark' | 'light' });
try {
  if (tpl !== 'lenet') {
    await s.page.getByTestId('btn-templates').click();
    await s.page.getByTestId(`template-${tpl}`).click();
  }
  await s.page.locator('.react-flow__node').first().waitFor();
  await s.page
    .getByTestId('engine-info')
    .filter({ hasText: /Engine backend: \w+/ })
    .waitFor({ timeout: 60_000 });
  if (panel === 'train') {
    await s.page.getByTestId('btn-train').click();
    await s.page.getByTestId('train-availability').waitFor();
  }
  // Fonts and the fit-to-view animation settle before the picture.
  await s.page.evaluate(() => document.fonts.ready.then(() => new Promise((r) => requestAnimationFrame(r))));
  await s.page.screenshot({ path: path.join(ARTIFACTS, `look-${tpl}-${theme}${panel ? `-${panel}` : ''}.png`) });
  console.log(await s.page.getByTestId('engine-info').textContent());
} finally {
  await s.close();
}
