// The editor's end-to-end specs: Chromium driven by playwright-core against the browser shell.
// Run: npx vite build --config renderer/vite.config.ts && npx vitest run --config e2e/vitest.config.ts
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['e2e/*.spec.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
    // Runs stay on the registry's first CPU backend (wasm) whatever this machine's torch would measure: the
    // automatic speed probe (engine/host/backend-choice.ts) is tested on its own, with it on. And on one worker
    // unless a test asks for more: the default ('auto': a worker per physical core, measured) is tested on its own
    // (engine/train/workers-choice.test.ts, e2e/workers.spec.ts), which unset NETLOOM_WORKERS.
    env: { NETLOOM_BACKEND_PROBE: 'off', NETLOOM_WORKERS: '1' },
  },
});
