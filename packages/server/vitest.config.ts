import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    projects: [
      {
        // The package on its in-process store: no Redis, no browser.
        test: { name: 'unit', environment: 'node', include: ['test/unit/**/*.test.ts'] },
      },
      {
        // Against a real redis-server each file starts on a free port: the store contract (both stores), the Redis
        // store's own behaviour and its faults.
        test: { name: 'redis', environment: 'node', include: ['test/redis/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 30_000 },
      },
    ],
  },
})
