import type { AuthorizationServer } from 'oauth4webapi'
import { isTokenlifeError } from '@tokenlife/core'
import type { OAuthEnvironment } from './environment'
import { DiscoveryError } from './errors'
import { loadProtocol, requestOptions } from './protocol'

/** The provider's metadata (OpenID Connect discovery / RFC 8414), as oauth4webapi reads it. */
export type ProviderMetadata = AuthorizationServer

/** How discovery is configured (see {@link OAuthClientOptions}). */
export interface DiscoverySettings {
  issuer: string
  /** Metadata given by hand: no request at all. */
  metadata: ProviderMetadata | undefined
  /** How long a copy in the origin's storage is used without asking again, ms. */
  cacheMs: number
  env: OAuthEnvironment
}

const cacheKey = (issuer: string) => `tokenlife:oauth:metadata:${issuer}`

/** A copy cached by an earlier page, if it is fresh and this issuer's. */
function readCache({ issuer, cacheMs, env }: DiscoverySettings): ProviderMetadata | undefined {
  try {
    const raw = env.sharedStorage()?.getItem(cacheKey(issuer))
    const cached = raw ? (JSON.parse(raw) as { at?: unknown; metadata?: ProviderMetadata }) : undefined
    const fresh = typeof cached?.at === 'number' && env.now() - cached.at < cacheMs && cached.at <= env.now()
    return fresh && cached?.metadata?.issuer === issuer ? cached.metadata : undefined
  } catch {
    return undefined
  }
}

function writeCache({ issuer, env }: DiscoverySettings, metadata: ProviderMetadata): void {
  try {
    env.sharedStorage()?.setItem(cacheKey(issuer), JSON.stringify({ at: env.now(), metadata }))
  } catch {
    // A full or disabled storage: the next page load asks again.
  }
}

async function fetchMetadata(settings: DiscoverySettings): Promise<ProviderMetadata> {
  const { issuer, env } = settings
  const o = await loadProtocol()
  const url = new URL(issuer)
  let metadata: ProviderMetadata
  try {
    const response = await o.discoveryRequest(url, { ...requestOptions(o, env, issuer), algorithm: 'oidc' })
    metadata = await o.processDiscoveryResponse(url, response)
  } catch (error) {
    // No answer, or 5xx / 429: try again later. Anything else (not JSON, another issuer's) will not change by waiting.
    const transient = isTokenlifeError(error) && error.transient
    throw new DiscoveryError(issuer, error instanceof Error ? error.message : String(error), { transient, cause: error })
  }
  for (const field of ['authorization_endpoint', 'token_endpoint'] as const) {
    if (typeof metadata[field] !== 'string') throw new DiscoveryError(issuer, `the discovery document has no ${field}`)
  }
  writeCache(settings, metadata)
  return metadata
}

/**
 * The provider's metadata, loaded once per page: from `metadata` given by hand, else a fresh copy an earlier page
 * cached in the origin's storage (no request), else the discovery document (cached for the next pages). A failed
 * load is tried again on the next call.
 */
export function createDiscovery(settings: DiscoverySettings): () => Promise<ProviderMetadata> {
  let loading: Promise<ProviderMetadata> | undefined
  return () => {
    if (settings.metadata) return Promise.resolve(settings.metadata)
    loading ??= Promise.resolve(readCache(settings) ?? fetchMetadata(settings)).catch((error: unknown) => {
      loading = undefined
      throw error
    })
    return loading
  }
}
