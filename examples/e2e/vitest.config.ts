import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/**/*.e2e.test.ts'],
    // One file at a time: each runs its own server and Chromium, and the scenarios measure refresh timing, which two
    // browsers competing for two cores would blur. About two minutes in all.
    fileParallelism: false,
    // Generous: a scenario waits for events (refreshes, statuses), which a loaded machine only delays.
    testTimeout: 180_000,
    hookTimeout: 30_000,
  },
})
