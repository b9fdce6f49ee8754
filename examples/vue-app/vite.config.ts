import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vite'

/** Where `pnpm dev` sends /auth and /api: the example server (`pnpm --filter @tokenlife/example-server start`). */
const exampleServer = 'http://127.0.0.1:5170'

export default defineConfig({
  // Served by the example server at /vue/, on the same origin as /auth and /api (cookie mode, SameSite=Strict).
  base: '/vue/',
  plugins: [vue()],
  // The binding resolves vue from its own folder; make sure the app bundles one copy.
  resolve: { dedupe: ['vue', 'vue-router'] },
  server: {
    port: 5174,
    proxy: { '/auth': exampleServer, '/api': exampleServer },
  },
  build: { target: 'es2022' },
})
