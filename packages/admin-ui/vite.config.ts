// The console is served by the gateway's management listener at /admin/ (packages/gateway/src/api/console.ts).
// `npm run dev -w @kordon/admin-ui` serves it from source at http://localhost:5173/admin/ and passes the API
// through to a running gateway (KORDON_ADMIN_URL, default https://127.0.0.1:8443; its certificate is not checked).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const gateway = process.env['KORDON_ADMIN_URL'] ?? 'https://127.0.0.1:8443';
const toGateway = { target: gateway, secure: false, changeOrigin: true };

export default defineConfig({
  base: '/admin/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, target: 'es2022' },
  server: { proxy: { '/api': toGateway, '/agent_backend': toGateway } },
});
