import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

export default defineConfig({
  // testingKit.test.ts uses @tokenlife/testing from its source (no dependency on it: the kit depends on this
  // package), and the kit's createTestTokenlife() must install this package's own plugin, from source too.
  resolve: {
    alias: [
      { find: /^@tokenlife\/testing$/, replacement: here('../testing/src/index.ts') },
      { find: /^@tokenlife\/testing\/vue$/, replacement: here('../testing/src/vue.ts') },
      { find: /^@tokenlife\/vue$/, replacement: here('src/index.ts') },
    ],
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/__tests__/**/*.test.ts'],
  },
})
