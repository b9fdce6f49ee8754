import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vitest/config'

// The app's component tests (happy-dom, @tokenlife/testing: its fetch resolves the app's relative /api/data as a
// browser does; jsdom's Node fetch cannot); the build's settings stay in vite.config.ts.
export default defineConfig({
  plugins: [vue()],
  test: { environment: 'happy-dom', include: ['src/**/*.test.ts'] },
})
