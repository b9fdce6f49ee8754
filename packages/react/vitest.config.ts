import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

export default defineConfig({
  // testingKit.test.tsx uses @tokenlife/testing from its source (no dependency on it: the kit depends on this
  // package), and the kit's <TestAuthProvider> must render this package's own <AuthProvider>, from source too.
  resolve: {
    alias: [
      { find: /^@tokenlife\/testing$/, replacement: here('../testing/src/index.ts') },
      { find: /^@tokenlife\/testing\/react$/, replacement: here('../testing/src/react.ts') },
      { find: /^@tokenlife\/react$/, replacement: here('src/index.ts') },
    ],
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/__tests__/**/*.test.{ts,tsx}'],
  },
})
