import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev` proxies /api to a server started with `clientele serve` (CLIENTELE_API, default :3000).
export default defineConfig({
  plugins: [react()],
  server: {
    proxy: { '/api': process.env['CLIENTELE_API'] ?? 'http://127.0.0.1:3000' },
  },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
});
