import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/**/*.test.ts'],
    // One provider and real short tokens per file: run the files one after the other, not competing for the CPU.
    fileParallelism: false,
    testTimeout: 40_000,
    hookTimeout: 20_000,
  },
})
