// Builds the renderer into renderer/dist with relative asset paths, so both `netloom serve` and
// Electron's netloom:// protocol find the assets.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000, sourcemap: false },
});
