import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const repoRoot = fileURLToPath(new URL('.', import.meta.url));
// The dev server proxies the API to the express server started by `npm run dev`.
const apiTarget = `http://127.0.0.1:${process.env.EARSHOT_DEV_API_PORT ?? '3000'}`;

export default defineConfig({
  root: 'web',
  plugins: [svelte()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    chunkSizeWarningLimit: 400,
  },
  server: {
    proxy: { '/api': { target: apiTarget, changeOrigin: false } },
  },
  test: {
    root: repoRoot,
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // expect.poll waits 1 s by default: on a loaded 2-core machine a browser round trip (an action,
    // then its reload) can take longer, and the poll failed with the right answer on its way.
    expect: { poll: { timeout: 10_000, interval: 100 } },
    reporters: ['default'],
  },
});
