// What `npm start` builds, from which sources, and whether a build is out of date. One table: the launcher's
// staleness check and the builders (bundle.ts, the renderer's Vite build) read the same outputs.
// No esbuild or Vite imported here, so deciding "nothing to build" costs a few hundred stat calls.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const RENDERER_DIST = path.join(REPO, 'renderer', 'dist');
export const ELECTRON_OUT = path.join(REPO, 'out', 'electron');

/** The Electron entry points bundle.ts builds (see there for why each has its platform and format). */
export const ELECTRON_ENTRIES = [
  { in: 'electron/main.ts', out: 'main.cjs', platform: 'node', format: 'cjs' },
  { in: 'electron/engine-entry.ts', out: 'engine.mjs', platform: 'node', format: 'esm' },
  { in: 'electron/preload.ts', out: 'preload.cjs', platform: 'browser', format: 'cjs' },
] as const;

export interface Build {
  /** Files the build writes; all must exist. */
  outputs: string[];
  /** Files and folders (walked) the outputs are made from, relative to the repository. */
  sources: string[];
}

// The lock file stands for node_modules: an `npm ci` with other versions rebuilds.
export const BUILDS = {
  renderer: {
    outputs: [path.join(RENDERER_DIST, 'index.html')],
    sources: [
      'renderer/index.html',
      'renderer/vite.config.ts',
      'renderer/src',
      'renderer/public',
      'engine/core',
      'engine/protocol',
      'templates',
      'package-lock.json',
    ],
  },
  electron: {
    outputs: ELECTRON_ENTRIES.map((e) => path.join(ELECTRON_OUT, e.out)),
    sources: ['electron', 'engine', 'templates', 'package-lock.json'],
  },
} satisfies Record<string, Build>;

/** Files that never reach a build: tests, docs, build outputs, dependencies, dot-folders, Python. */
const IGNORED = /(^\.|^node_modules$|^dist$|^out$|^artifacts$|\.(test|spec)\.tsx?$|\.md$|\.py$)/;

/** The newest file under `p` (a file or a folder), or null when there is none. */
function newest(p: string): { file: string; mtimeMs: number } | null {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    return null;
  }
  if (!st.isDirectory()) return { file: p, mtimeMs: st.mtimeMs };
  let best: { file: string; mtimeMs: number } | null = null;
  for (const name of fs.readdirSync(p)) {
    if (IGNORED.test(name)) continue;
    const n = newest(path.join(p, name));
    if (n && (!best || n.mtimeMs > best.mtimeMs)) best = n;
  }
  return best;
}

/**
 * Why `build` must run (an output is missing, or a source changed after the oldest output was written),
 * or null when it is up to date. Decided from modification times only, like make.
 */
export function staleReason(build: Build, root = REPO): string | null {
  let oldest = Infinity;
  for (const out of build.outputs) {
    const file = path.resolve(root, out);
    if (!fs.existsSync(file)) return `${path.relative(root, file)} is missing`;
    oldest = Math.min(oldest, fs.statSync(file).mtimeMs);
  }
  for (const src of build.sources) {
    const n = newest(path.resolve(root, src));
    if (n && n.mtimeMs > oldest) return `${path.relative(root, n.file)} changed since the last build`;
  }
  return null;
}
