import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    projects: [
      {
        test: { name: 'app', environment: 'node', include: ['test/*.test.ts'], testTimeout: 30_000 },
      },
      {
        // Three instances on a real Redis, real Chromium tabs, faults: needs redis-server, Chromium, the built core.
        test: {
          name: 'fleet',
          environment: 'node',
          include: ['test/fleet/**/*.test.ts'],
          testTimeout: 90_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
