// Debian's Chromium, the only browser these machines have (playwright's own download does not work here), and the
// flags that keep it quiet and offline-safe. Plain JavaScript so vitest configs, tests and node benchmarks share it.
import process from 'node:process'
import { chromium } from 'playwright'

/** Where Chromium is: `CHROMIUM_PATH`, or Debian's `/usr/bin/chromium`. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** Flags for headless runs on a closed network. */
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Launch options for playwright (also what `@vitest/browser-playwright` takes as `launchOptions`). */
export const chromiumLaunchOptions = { executablePath: chromiumPath, args: chromiumArgs }

/** Launches Debian's Chromium with playwright. */
export function launchChromium() {
  return chromium.launch(chromiumLaunchOptions)
}
