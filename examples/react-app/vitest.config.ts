import react from '@vitejs/plugin-react'
import { defineConfig } from 'vitest/config'

// The app's component tests (happy-dom, @tokenlife/testing: its fetch resolves the app's relative /api/data as a browser does; jsdom's Node fetch cannot); the build's settings stay in vite.config.ts.
export default defineConfig({
  plugins: [react()],
  test: { environment: 'happy-dom', include: ['src/**/*.test.tsx'] },
})
