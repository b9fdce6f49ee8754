import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

/** Where `pnpm dev` sends /auth and /api: the example server (`pnpm --filter @tokenlife/example-server start`). */
const exampleServer = 'http://127.0.0.1:5170'

export default defineConfig({
  // Served by the example server at /react/, on the same origin as /auth and /api (cookie mode, SameSite=Strict).
  base: '/react/',
  plugins: [react()],
  // The binding resolves react from its own folder; make sure the app bundles one copy.
  resolve: { dedupe: ['react', 'react-dom'] },
  server: {
    port: 5173,
    proxy: { '/auth': exampleServer, '/api': exampleServer },
  },
  build: { target: 'es2022' },
})
