import { invalid } from '../diagnostics/diagnostic'
import { isTokenlifeError, tokenlifeError } from '../errors'
import { loadOnce } from '../loadOnce'
import type { Environment } from '../ports'
import { decodeClaims } from '../tokens'
import { parseChallenge } from '../wwwAuthenticate'
import type { Dpop, DpopAgentApi, DpopHost, DpopKit } from './dpop'

/** Every method of {@link Dpop} but `loaded`: the chunk implements them. */
const methods = 'createKey key proof learnNonce refreshKey bind forget forgetBefore sign afterAnswer send problem restorable rebound'.split(' ')

/**
 * The {@link Dpop} of a client with `dpop: true`: a proxy whose methods load the chunk that does the work (Web Crypto,
 * IndexedDB) on first use, so an app without `dpop: true` never loads it. Where the page has no Web Crypto or
 * IndexedDB, every call rejects with TL350, printed once through `environment.error`: nothing is sent unsigned.
 */
export function lazyDpop(env: Environment, namespace: string, host: DpopHost): Dpop {
  type Methods = Record<string, (...args: unknown[]) => Promise<unknown>>
  let agent: DpopAgentApi | undefined
  let reported = false
  const kit: DpopKit = { fail: tokenlifeError, invalid, decodeClaims, parseChallenge }
  const load = loadOnce(() => import('./dpopAgent').then(({ DpopAgent }) => (agent = new DpopAgent(env, namespace, host, kit)) as unknown as Methods))
  const dpop: Record<string, unknown> = { loaded: () => agent }
  for (const method of methods) {
    dpop[method] = (...args: unknown[]) =>
      load().then(
        (loaded) => loaded[method]!(...args),
      ).catch((error: unknown) => {
        if (isTokenlifeError(error) && error.code === 'TL350' && !reported) {
          reported = true
          env.error(error.message)
        }
        throw error
      })
  }
  return dpop as unknown as Dpop
}
