import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// `npm run dev` proxies /api to the API (BOUTIQUE_API_URL, default http://127.0.0.1:5000).
const api = process.env.BOUTIQUE_API_URL ?? 'http://127.0.0.1:5000';
const proxy = {
  '/api': { target: api, changeOrigin: false },
  '/healthz': api,
  '/readyz': api,
};

export default defineConfig({
  plugins: [react()],
  server: { port: 5173, strictPort: true, proxy },
  preview: { port: 4173, proxy },
  build: {
    manifest: true,
    target: 'es2022',
    // SVGs (the product illustrations) are always files with hashed names, never data: URLs inlined
    // into the JS: images are not JS (the initial-route budget), nginx caches assets/ for a year,
    // and the Content-Security-Policy's img-src does not allow data:.
    assetsInlineLimit: (file) => (file.endsWith('.svg') ? false : undefined),
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    restoreMocks: true,
  },
});
