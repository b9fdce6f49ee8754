import { defineConfig } from 'vitest/config'

// The built site (run after `vitepress build`): every page in real Chromium, and the generated pages against the
// sources they are made from.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
})
