import { defineConfig } from 'vitest/config';

// Unit and integration tests live next to the code they test (`*.test.ts`).
// e2e/ holds Playwright specs, run by their own runner.
export default defineConfig({
  test: {
    include: [
      'engine/**/*.test.ts',
      'renderer/**/*.test.ts',
      'electron/**/*.test.ts',
      'templates/**/*.test.ts',
      'build/**/*.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Runs stay on the registry's first CPU backend (wasm) whatever this machine's torch would measure: the
    // automatic speed probe (engine/host/backend-choice.ts) is tested on its own, with it on. And on one worker
    // unless a test asks for more: the default ('auto': a worker per physical core, measured) is tested on its own
    // (engine/train/workers-choice.test.ts, e2e/workers.spec.ts), which unset NETLOOM_WORKERS.
    env: { NETLOOM_BACKEND_PROBE: 'off', NETLOOM_WORKERS: '1' },
  },
});
