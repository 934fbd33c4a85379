// Builds the Electron entry points into out/electron/ with esbuild (Electron runs JavaScript, and a
// sandboxed preload must be one file that requires nothing but `electron`).
//   main.cjs     main process              (node, CommonJS)
//   preload.cjs  window preload            (sandboxed: browser platform, only `electron` external)
//   engine.mjs   engine utilityProcess     (node ESM: the runtime uses top-level await; tfjs packages stay external so
//                native/wasm files load from node_modules)
//   worker-entry.mjs  a data-parallel training worker (node ESM, started by engine.mjs: runtime/parallel/link.ts
//                looks for it beside the module that starts it, where the sources keep their tsx bootstrap)
//   python/      the Python files the engine runs or writes (PyTorch export, the torch runner): read next to the bundle
// Run: `npx tsx electron/bundle.ts [out-dir]` (default out/electron).
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ELECTRON_ENTRIES, ELECTRON_OUT, REPO } from './builds';

export const OUT_DIR = ELECTRON_OUT;

/** Python sources the bundled engine finds in `<bundle>/python/` (export.ts and torch-run.ts look there first). */
const TORCH_RUNNER = 'engine/runtime/torch';
export const PYTHON_FILES = [
  'engine/export/pytorch/python/netloom_layers.py',
  'engine/export/pytorch/python/train.py',
  // The runner and every module it imports (they sit in runner.py's folder, its sys.path[0]): the whole folder.
  ...fs
    .readdirSync(path.join(REPO, TORCH_RUNNER))
    .filter((f) => f.endsWith('.py'))
    .sort()
    .map((f) => `${TORCH_RUNNER}/${f}`),
];

/** Packages that must stay in node_modules: Electron itself, tfjs with its native and wasm binaries, resvg's native renderer. */
export const NODE_EXTERNALS = ['electron', '@tensorflow/*', 'onnxruntime-node', 'webgpu', '@resvg/*'];

/** The data-parallel worker, bundled like the engine (the packaged app has no tsx to run it from sources). */
export const WORKER_ENTRY = {
  in: 'engine/runtime/parallel/worker.ts',
  out: 'worker-entry.mjs',
  platform: 'node',
  format: 'esm',
} as const;

export async function bundleElectron(outDir = OUT_DIR): Promise<string[]> {
  const common = {
    bundle: true,
    target: 'node22',
    sourcemap: 'linked',
    logLevel: 'warning',
    legalComments: 'none',
  } as const;
  // The sandboxed preload may require nothing but electron; node entries keep NODE_EXTERNALS in node_modules.
  const entries = [...ELECTRON_ENTRIES, WORKER_ENTRY].map((e) => ({
    ...e,
    external: e.platform === 'browser' ? ['electron'] : NODE_EXTERNALS,
  }));
  await Promise.all(
    entries.map((e) =>
      build({
        ...common,
        format: e.format,
        // ESM output has no require(); bundled CommonJS dependencies (ws, zod's cjs bits) still call it.
        banner:
          e.format === 'esm'
            ? {
                js: "import { createRequire as __nlReq } from 'node:module'; const require = __nlReq(import.meta.url);",
              }
            : undefined,
        entryPoints: [path.join(REPO, e.in)],
        outfile: path.join(outDir, e.out),
        platform: e.platform,
        external: [...e.external],
      }),
    ),
  );
  fs.mkdirSync(path.join(outDir, 'python'), { recursive: true });
  for (const f of PYTHON_FILES) fs.copyFileSync(path.join(REPO, f), path.join(outDir, 'python', path.basename(f)));
  return entries.map((e) => path.join(outDir, e.out));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  bundleElectron(process.argv[2] ?? OUT_DIR).then((files) =>
    console.log(`bundled: ${files.map((f) => path.relative(REPO, f)).join(', ')}`),
  );
}
