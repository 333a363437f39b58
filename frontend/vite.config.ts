/// <reference types="vitest/config" />
import { writeFileSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

// dist/ is emptied on every build, but dist/.keep is committed so that the Go server's
// embed pattern matches even before the first front-end build. Put it back afterwards.
function keepDistPlaceholder(): Plugin {
  return {
    name: 'switchboard-keep-dist',
    apply: 'build',
    closeBundle() {
      writeFileSync(fileURLToPath(new URL('./dist/.keep', import.meta.url)), '');
    },
  };
}

// The Go server listens here during development (`switchboard serve`).
const apiTarget = process.env.SWITCHBOARD_DEV_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/',
  plugins: [react(), keepDistPlaceholder()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
  },
  server: {
    port: 5173,
    // Host is passed through unchanged: the server's websocket accepts only same-origin
    // upgrades (Origin host == Host), as the browser sees this dev server as the origin.
    proxy: {
      '/graphql': { target: apiTarget, ws: true },
      '/auth': { target: apiTarget },
      '/healthz': { target: apiTarget },
    },
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/testing/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    css: false,
    restoreMocks: true,
    // jsdom rendering of whole pages is CPU-bound: on a loaded 2-core machine (parallel builds,
    // CI on the same box) single tests have taken over 5 s. A hung test still fails, later.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
