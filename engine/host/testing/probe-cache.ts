// A speed-probe cache (backend-choice.ts) in which wasm is the slowest CPU backend: the real probe measures every
// available one into `dir` once, then the file says each other one is 10× wasm. So the automatic choice falls on a
// backend other than wasm wherever there is one (torch with Python here), which is what the workers' rule has to
// beat. Returns that backend, or null where wasm is the only CPU backend (then nothing can tell the rule apart).
import fs from 'node:fs';
import path from 'node:path';
import { backendFacts, cpuProbe, forgetProbe, PROBE_FILE } from '../backend-choice';

export async function probeCacheAgainstWasm(dir: string): Promise<string | null> {
  const saved = { cache: process.env.NETLOOM_CACHE, probe: process.env.NETLOOM_BACKEND_PROBE };
  process.env.NETLOOM_CACHE = dir;
  delete process.env.NETLOOM_BACKEND_PROBE;
  try {
    forgetProbe();
    await cpuProbe(await backendFacts(), { budgetMs: 100 });
    const file = path.join(dir, PROBE_FILE);
    const cache = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      entries: Record<string, { figures: { name: string; imagesPerSec?: number; error?: string }[] }>;
    };
    let other: string | null = null;
    for (const e of Object.values(cache.entries))
      for (const f of e.figures) {
        if (f.error) continue; // a backend whose probe failed stays out of the choice
        f.imagesPerSec = f.name === 'wasm' ? 100 : 1000;
        if (f.name !== 'wasm') other = f.name;
      }
    fs.writeFileSync(file, JSON.stringify(cache));
    forgetProbe();
    return other;
  } finally {
    for (const [k, v] of Object.entries({ NETLOOM_CACHE: saved.cache, NETLOOM_BACKEND_PROBE: saved.probe }))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
}
