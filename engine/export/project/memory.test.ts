// Saving VGG-11-sized weights (129 M float32 parameters, 515 MB) streams them: the process's peak memory while
// saving stays under twice the weights' size, and the save itself adds well under half of it (no second copy,
// no giant string). Runs in its own test file, so the process's high-water mark belongs to this test.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { inferNetwork, type NetworkDoc } from '../../core';
import { loadTemplate } from '../../../templates';
import { writeProject } from './write';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netloom-vgg-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const maxRss = () => process.resourceUsage().maxRSS * 1024;
const freeBytes = () => fs.statfsSync(dir).bavail * fs.statfsSync(dir).bsize;

it('saves VGG-11 (129 M parameters) with peak memory under twice the weights', async () => {
  const net = inferNetwork(loadTemplate('vgg11'));
  const total = net.parameters.reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);
  const bytes = total * 4;
  expect(total).toBeGreaterThan(128e6);
  if (os.freemem() < 3 * bytes || freeBytes() < 2 * bytes) {
    console.warn(`skipped: needs ${(3 * bytes) / 1e9} GB free memory and ${(2 * bytes) / 1e9} GB free disk`);
    return;
  }
  const baseline = process.memoryUsage().rss;
  // Values written into every page, so the weights are resident as trained weights would be.
  const weights = Object.fromEntries(
    net.parameters.map((p, k) => {
      const data = new Float32Array(p.shape.reduce((a, b) => a * b, 1));
      for (let i = 0; i < data.length; i++) data[i] = ((i * 2654435761 + k) % 1000) / 1000 - 0.5;
      return [p.name, { shape: p.shape, data }];
    }),
  );
  const before = process.memoryUsage().rss;
  const file = path.join(dir, 'vgg11.netloom');
  await writeProject(file, { doc: net.doc as NetworkDoc, weights });
  const peak = maxRss();
  console.log(
    `weights ${(bytes / 1e6).toFixed(0)} MB; peak RSS above the baseline ${((peak - baseline) / 1e6).toFixed(0)} MB, added by the save ${((peak - before) / 1e6).toFixed(0)} MB`,
  );
  expect(peak - baseline, `peak ${peak / 1e6} MB, baseline ${baseline / 1e6} MB`).toBeLessThan(2 * bytes);
  expect(peak - before, `the save added ${(peak - before) / 1e6} MB`).toBeLessThan(0.5 * bytes);
  expect(fs.statSync(file).size).toBeGreaterThan(bytes);
  // Python reads the weights straight out of the zip (stored, so seekable): every header entry and a last value.
  const last = net.parameters[net.parameters.length - 1].name;
  const script = `
import json, struct, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open('weights.safetensors') as f:
    n = struct.unpack('<Q', f.read(8))[0]
    h = json.loads(f.read(n))
    a, b = h[sys.argv[2]]['data_offsets']
    f.seek(8 + n + b - 4)
    print(len([k for k in h if k != '__metadata__']), struct.unpack('<f', f.read(4))[0])
`;
  const [count, value] = execFileSync('python3', ['-c', script, file, last], { encoding: 'utf8' }).trim().split(' ');
  expect(Number(count)).toBe(net.parameters.length);
  const w = weights[last].data;
  expect(Number(value)).toBe(w[w.length - 1]);
}, 300_000);
