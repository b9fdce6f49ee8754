import { invalid } from './diagnostics/diagnostic'
import { defaultRefreshTiming } from './refreshTiming'
import type { StorageAdapter } from './storage/storageAdapter'
import { oauthWireFormat } from './wireFormat'

/** Refuses names that are not keys of `known`, with the nearest valid one (TL102). */
function checkNames(prefix: string, given: object, known: object): void {
  const names = Object.keys(known)
  for (const [key, value] of Object.entries(given)) {
    if (!(key in known)) invalid('TL102', `${prefix}${key}`, [value, names])
  }
}

function checkStorage(option: string, value: unknown): void {
  if (value === undefined) return
  const candidate = value as Partial<StorageAdapter>
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof candidate.get !== 'function' ||
    typeof candidate.set !== 'function' ||
    typeof candidate.remove !== 'function'
  ) {
    invalid('TL125', option, [value])
  }
  if (typeof candidate.name !== 'string' || candidate.name.trim() === '') invalid('TL126', option, [candidate.name])
}

const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * The checks of `createAuthClient()` options (`optionNames`: every valid name) that only help a developer, made by the development build alone: names
 * that are not options (with the nearest valid one), the renamed `clientId` and the replaced jitter, and the types of options whose
 * mistakes show at once in development (storage adapters, `namespace`, `oauthClientId`, `logoutTimeoutMs`,
 * `sessionEndWarningMs`, `wireFormat`,
 * `debug`, `environment`, `validateIdToken`). What decides where tokens go or how often the server is asked is checked in both builds
 * (`normalizeOptions`).
 */
export function checkDevelopmentOptions(options: Readonly<Record<string, unknown>>, optionNames: object): void {
  if ('clientId' in options) invalid('TL103', 'clientId')
  checkNames('', options, optionNames)
  if (isObject(options.timing)) {
    for (const removed of ['jitterRatio', 'maxJitterMs']) if (removed in options.timing) invalid('TL151', `timing.${removed}`)
    checkNames('timing.', options.timing, defaultRefreshTiming)
  }
  const { environment, namespace, oauthClientId, logoutTimeoutMs, sessionEndWarningMs, debug } = options
  const wireFormat = isObject(options.wireFormat) ? options.wireFormat : {}
  if (environment !== undefined && !isObject(environment)) invalid('TL128', 'environment', [environment])
  if (namespace !== undefined && (typeof namespace !== 'string' || !/^[\w.-]{1,64}$/.test(namespace))) {
    invalid('TL112', 'namespace', [namespace])
  }
  if (oauthClientId !== undefined && (typeof oauthClientId !== 'string' || oauthClientId.trim() === '')) {
    invalid('TL113', 'oauthClientId', [oauthClientId])
  }
  if (logoutTimeoutMs !== undefined && (typeof logoutTimeoutMs !== 'number' || !(logoutTimeoutMs >= 0 && logoutTimeoutMs < Infinity))) {
    invalid('TL114', 'logoutTimeoutMs', [logoutTimeoutMs])
  }
  if (sessionEndWarningMs !== undefined && (typeof sessionEndWarningMs !== 'number' || !(sessionEndWarningMs >= 0 && sessionEndWarningMs < Infinity))) {
    invalid('TL152', 'sessionEndWarningMs', [sessionEndWarningMs])
  }
  checkNames('wireFormat.', wireFormat, oauthWireFormat)
  for (const [name, value] of Object.entries(wireFormat)) {
    if (typeof value !== 'function') invalid('TL124', `wireFormat.${name}`, [value])
  }
  if (debug !== undefined && typeof debug !== 'boolean' && typeof debug !== 'function') invalid('TL127', 'debug', [debug])
  if (options.validateIdToken !== undefined && typeof options.validateIdToken !== 'function') {
    invalid('TL142', 'validateIdToken', [options.validateIdToken])
  }
  checkStorage('storage', options.storage)
  checkStorage('persistAccessToken', options.persistAccessToken)
}
