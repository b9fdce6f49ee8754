import { defineConfig } from 'vitest/config'

// unit: the servers and the scripted client in Node. jsdom: the React and Vue test providers. happy-dom: Web Locks
// there. browser: the E2E helpers in real Chromium. packaging: the two builds, and packed tarballs in new Vite apps.
// One `vitest run` runs them all: the fresh apps' steps are child processes the other files run beside.
export default defineConfig({
  test: {
    // Two files at a time even on 2 cores: the fresh apps' file mostly waits for its child processes.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', environment: 'node', include: ['test/unit/**/*.test.{ts,tsx}'] } },
      { extends: true, test: { name: 'jsdom', environment: 'jsdom', include: ['test/dom/**/*.test.{ts,tsx}'] } },
      // happy-dom: what differs there (its navigator.locks is null); the Vue provider runs in happy-dom in the fresh Vue app.
      { extends: true, test: { name: 'happy-dom', environment: 'happy-dom', include: ['test/dom/installWebLocks.test.ts'] } },
      // Waits for pages, which a loaded machine only delays: generous timeouts, one Chromium for the file.
      // The built package: its two builds, and two fresh apps installed from packed tarballs (a minute or two on a
      // loaded machine: the steps' times are printed at the end).
      { extends: true, test: { name: 'packaging', environment: 'node', include: ['test/packaging/*.test.ts', 'test/packaging/freshApps/*.test.ts'], testTimeout: 300_000, hookTimeout: 300_000 } },
      { extends: true, test: { name: 'browser', environment: 'node', include: ['test/browser/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 } },
    ],
  },
})
