import { describeValue } from '../describeValue'
import type { DiagnosticEntry } from './diagnosticEntry'

/** ``option `name` `` as the messages write it. */
const option = (name?: string): string => `option \`${name}\``

/** An `idleTimeout()` option it cannot work with: checked in both builds (it decides when sessions end). */
const idleOption = (title: string, message: DiagnosticEntry['message'], cause: string, fix: string): DiagnosticEntry => ({
  kind: 'error',
  raises: 'TypeError',
  title,
  message,
  meaning: '`idleTimeout()` refused its options: no idle timeout was made. It is checked in both builds, since it decides when sessions end.',
  cause,
  fix,
  production: 'kept',
})

/** TL151–TL157: the session policy's options (the refresh spread, the session-end warning, the idle timeout, the session's end). */
export const policyCodes = {
  TL151: {
    kind: 'error',
    raises: 'TypeError',
    title: '`timing.jitterRatio` and `timing.maxJitterMs` were replaced by `timing.spreadRatio`',
    message: (name?: string) =>
      `${option(name)} was replaced by \`timing.spreadRatio\` in 0.2: refreshes on schedule no longer jitter; a new phase's first refresh lands at random (see docs/core.md#refresh-timing)`,
    meaning: 'Before 0.2 every refresh was jittered by up to `jitterRatio` of the lifetime (at most `maxJitterMs`), which kept a herd of sessions that began together refreshing together. Now a refresh on schedule keeps its phase and only the first refresh of a new phase (a sign-in, a page load) lands at random.',
    cause: 'Code written for tokenlife 0.1.',
    fix: 'Remove the option; `timing.spreadRatio` (default 0.9) sets how wide the first refresh\'s window is. See [refresh timing](./core.md#refresh-timing).',
    production: 'development only',
  },
  TL152: {
    kind: 'error',
    raises: 'TypeError',
    title: '`sessionEndWarningMs` is not a non-negative finite number',
    message: (name?: string, value?: unknown) => `${option(name)} must be a non-negative finite number, got ${describeValue(value)}; e.g. 300000`,
    meaning: 'How long before the session ends (`sessionEndsAt`) the `session-ending` event fires, in milliseconds; `0` for never.',
    cause: 'A string, a negative number or `Infinity`.',
    fix: 'Pass a number of milliseconds, or leave it out for 5 minutes.',
    production: 'development only',
  },
  TL153: {
    kind: 'error',
    raises: 'TypeError',
    title: '`idle` was not made with `idleTimeout()`',
    message: (name?: string, value?: unknown) =>
      `${option(name)} must be made with idleTimeout(), got ${describeValue(value)}; e.g. idle: idleTimeout({ timeoutMs: 900000 })`,
    meaning: 'The idle timeout is a value `idleTimeout()` makes (so an app without one does not bundle it). It is checked in both builds: it decides when sessions end.',
    cause: 'The options object itself, `{ timeoutMs }`, passed where `idleTimeout({ timeoutMs })` is expected.',
    fix: "Import `idleTimeout` from `@tokenlife/core` and pass `idle: idleTimeout({ timeoutMs: 15 * 60_000 })`.",
    production: 'kept',
  },
  TL154: idleOption(
    '`idleTimeout()` was called without an options object',
    (_name?: string, value?: unknown) => `idleTimeout() needs { timeoutMs }, got ${describeValue(value)}; e.g. idleTimeout({ timeoutMs: 900000 })`,
    '`idleTimeout()` with nothing, or with the number of milliseconds alone.',
    'Pass an object: `idleTimeout({ timeoutMs: 15 * 60_000 })`.',
  ),
  TL155: idleOption(
    '`idle.timeoutMs` is not a positive number of milliseconds',
    (name?: string, value?: unknown) => `${option(name)} must be a positive number of ms, got ${describeValue(value)}; e.g. 900000 (15 minutes)`,
    'A missing `timeoutMs`, a string, 0, a negative number or `Infinity`.',
    'Pass the time without activity that ends the session, in milliseconds: `timeoutMs: 15 * 60_000`.',
  ),
  TL156: idleOption(
    '`idle.warnMs` is not from 0 to below `timeoutMs`',
    (name?: string, value?: unknown, timeoutMs?: unknown) =>
      `${option(name)} must be a number of ms from 0 to below timeoutMs (${timeoutMs}), got ${describeValue(value)}; e.g. 60000`,
    'A warning as long as the timeout or longer (it would be up from the start), a negative number or a string.',
    'Pass how long before the deadline to warn, less than `timeoutMs`: `warnMs: 60_000`; or leave it out (60 s, or half the timeout if less).',
  ),
  TL157: {
    kind: 'error',
    raises: 'TypeError',
    title: '`setTokens()`: `refreshExpiresIn` is not a positive number of seconds',
    message: (_subject?: string, value?: unknown) =>
      `setTokens(): \`refreshExpiresIn\` must be a positive number of seconds, got ${typeof value === 'string' ? JSON.stringify(value) : describeValue(value)}; e.g. 2592000`,
    meaning: '`setTokens()` refused the tokens it was given; the session is unchanged. `refreshExpiresIn` says how long the session can still be refreshed (it sets `sessionEndsAt`). Token input is checked in both builds.',
    cause: 'A string, an absolute date instead of seconds from now, or `0`.',
    fix: 'Pass the `refresh_expires_in` of the token response (seconds), or leave it out when the server does not say.',
    production: 'kept',
  },
} as const satisfies Record<string, DiagnosticEntry>
