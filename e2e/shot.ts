// Quick look: `npx tsx e2e/shot.ts <template> <theme>` writes e2e/artifacts/look-<template>-<theme>.png.
import path from 'node:path';
import { ARTIFACTS, openEditor } from './harness';

const [tpl = 'lenet', theme = 'dark'] = process.argv.slice(2);
const s = await openEditor({ theme: theme as 'dark' | 'light' });
try {
  if (tpl !== 'lenet') {
    await s.page.getByTestId('btn-templates').click();
    await s.page.getByTestId(`template-${tpl}`).click();
  }
  await s.page.waitForTimeout(600);
  await s.page.screenshot({ path: path.join(ARTIFACTS, `look-${tpl}-${theme}.png`) });
  console.log(await s.page.getByTestId('engine-info').textContent());
} finally {
  await s.close();
}
