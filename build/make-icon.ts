// Renders build/icon.svg to build/icon.png (512×512, transparent corners) with headless Chromium, the
// one SVG rasterizer every machine here has. Run after editing the SVG: `npx tsx build/make-icon.ts`.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'netloom-icon-'));
try {
  execFileSync(
    chromium,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--hide-scrollbars',
      `--user-data-dir=${profile}`,
      '--default-background-color=00000000',
      '--window-size=512,512',
      `--screenshot=${path.join(here, 'icon.png')}`,
      `file://${path.join(here, 'icon.svg')}`,
    ],
    { stdio: 'inherit' },
  );
} finally {
  fs.rmSync(profile, { recursive: true, force: true });
}
