import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: ['src/**/__tests__/**/*.test.ts'],
          // The suites run a real oidc-provider each: one file at a time, not competing for the CPU.
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          // The built package (dist/): both builds against a real oidc-provider, and the export conditions. Run after
          // `pnpm build`.
          name: 'builds',
          environment: 'node',
          include: ['builds/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
})
