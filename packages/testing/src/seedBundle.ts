// The browser script `signInForE2E()` puts into a page of the app's origin (built as dist/seed.global.js, with the
// core inside): it exposes `seedSession` to `page.evaluate`.
import { seedSession } from './e2e/seedSession'

;(globalThis as { __tokenlifeSeed?: unknown }).__tokenlifeSeed = { seedSession }
