import { chromiumLaunchOptions } from '@tokenlife/test-utils/chromium'
import { playwright } from '@vitest/browser-playwright'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          // Fake time drives these tests; only CPU makes them slow, and a loaded machine is no failure.
          testTimeout: 60_000,
          include: ['src/**/__tests__/**/*.test.ts'],
          exclude: ['src/**/__tests__/**/*.browser.test.ts'],
        },
      },
      {
        test: {
          name: 'soak',
          environment: 'node',
          include: ['src/__soak__/**/*.soak.ts'],
        },
      },
      {
        test: {
          // The built package (dist/): both builds and the export conditions. Run after `pnpm build`.
          name: 'builds',
          environment: 'node',
          include: ['builds/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'tabs',
          environment: 'node',
          include: ['tabs/**/*.test.ts'],
          // Each file drives its own Chromium with several tabs: one at a time, so they do not compete for the cores.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        optimizeDeps: {
          include: ['ky', 'msw', 'msw/browser', 'idb-keyval', 'broadcast-channel', 'jwt-decode'],
        },
        test: {
          name: 'browser',
          include: ['src/**/__tests__/**/*.browser.test.ts'],
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: chromiumLaunchOptions }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
})
