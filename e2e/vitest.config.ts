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
  },
});
