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
