// The packaging configuration, checked with electron-builder's own validator (its JSON schema and
// deprecation checks) plus the properties this project relies on.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const config = require('./electron-builder.config.cjs');

/** Does a glob in the list match this path? (electron-builder uses minimatch for these). */
const { minimatch } = require(require.resolve('minimatch', { paths: [require.resolve('app-builder-lib')] })) as {
  minimatch: (p: string, g: string, o?: object) => boolean;
};
const unpacked = (p: string) =>
  (config.asarUnpack as string[]).some((g) => minimatch(p, g, { dot: true, matchBase: !g.includes('/') }));

describe('electron-builder configuration', () => {
  it("passes electron-builder's own schema validation", async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js');
    const { DebugLogger } = require('builder-util');
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('builds Linux AppImage+deb, macOS dmg and Windows nsis as org.netloom.app', () => {
    expect(config.appId).toBe('org.netloom.app');
    expect(config.productName).toBe('Netloom');
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.extraMetadata.main).toBe('out/electron/main.cjs');
    expect(config.files).toEqual(expect.arrayContaining(['out/electron/**', 'renderer/dist/**']));
  });

  it('unpacks native modules and wasm from the asar', () => {
    expect(unpacked('node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node')).toBe(true);
    expect(unpacked('node_modules/@tensorflow/tfjs-node-gpu/deps/lib/libtensorflow.so.2')).toBe(true);
    expect(unpacked('node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm')).toBe(true);
    expect(unpacked('node_modules/onnxruntime-node/bin/napi-v3/linux/x64/onnxruntime_binding.node')).toBe(true);
    expect(unpacked('out/electron/main.cjs')).toBe(false);
  });

  it('turns off the risky Electron fuses', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
    });
  });

  it('has an icon: the SVG source and a 512×512 PNG rendered from it', () => {
    expect(fs.readFileSync(path.join(here, 'icon.svg'), 'utf8')).toContain('<svg');
    const png = PNG.sync.read(fs.readFileSync(path.join(here, 'icon.png')));
    expect([png.width, png.height]).toEqual([512, 512]);
    expect(png.data[3]).toBe(0); // transparent corner: rounded square, not a white box
    for (const t of ['linux', 'mac', 'win']) expect(config[t].icon).toBe('build/icon.png');
  });
});
