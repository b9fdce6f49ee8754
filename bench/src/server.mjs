// One in-process auth server for every SDK in the benchmark: a session core that decides rotation and reuse for
// everyone (rotating refresh tokens in families, reuse of a spent token revokes the whole family, no grace period,
// like examples/server), a thin protocol adapter per SDK (each one's token endpoint shape, the discovery document and
// ID tokens where the SDK insists, signed with jose), a protected API that logs every bearer it sees, and the SDKs'
// browser bundles on test pages. Everything listens on 127.0.0.1 only.
import { Buffer } from 'node:buffer'
import { randomBytes, randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { SignJWT, exportJWK, generateKeyPair } from 'jose'

/** The SDK pages the server can serve (file names under src/pages/). */
export const pageNames = ['tokenlife', 'oidc', 'supabase', 'auth0', 'axios']

const keys = generateKeyPair('RS256', { extractable: true }).then(async ({ publicKey, privateKey }) => ({
  privateKey,
  jwk: { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'RS256', use: 'sig' },
}))

let bundles
/** esbuild browser bundles of every SDK page, built once per process. */
function pageBundles() {
  bundles ??= (async () => {
    const entryPoints = Object.fromEntries(pageNames.map((name) => [name, fileURLToPath(new URL(`./pages/${name}.mjs`, import.meta.url))]))
    const result = await build({
      entryPoints,
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      write: false,
      outdir: '/bundles',
      logLevel: 'error',
      define: { 'process.env.NODE_ENV': '"production"' },
    })
    return new Map(result.outputFiles.map((file) => [file.path.replace(/^.*\//, ''), file.text]))
  })()
  return bundles
}

const shell = (name) => `<!doctype html>
<meta charset="utf-8">
<title>${name}</title>
<script type="module" src="/${name}.js"></script>`

/**
 * The session core: families of rotating refresh tokens. Every figure of the tabs and sleep parts is read from
 * `stats` here, so all SDKs are counted by the same code.
 * @param {{ lifetimeS: number }} options
 */
export function createSessionCore({ lifetimeS }) {
  const refreshTokens = new Map() // token -> { family, used }
  const families = new Map() // id -> { revoked: null | 'reuse' | 'logout', nonce }
  const accessTokens = new Map() // jti -> { family, expiresAt }
  const stats = freshStats()

  function freshStats() {
    return { logins: 0, refreshRequests: 0, refreshes: 0, reuseEvents: 0, familiesLostToReuse: 0, refused: 0, logouts: 0, api: [], refreshLog: [], requestLog: [] }
  }

  function issue(family) {
    const refreshToken = randomBytes(18).toString('base64url')
    refreshTokens.set(refreshToken, { family, used: false })
    const jti = randomUUID()
    const now = Date.now()
    accessTokens.set(jti, { family, expiresAt: now + lifetimeS * 1000 })
    return { family, refreshToken, jti, iat: Math.floor(now / 1000), exp: Math.floor(now / 1000) + lifetimeS, expiresIn: lifetimeS }
  }

  return {
    stats,
    lifetimeS,
    resetStats: () => Object.assign(stats, freshStats()),
    login(extra = {}) {
      stats.logins++
      const family = randomUUID()
      families.set(family, { revoked: null, ...extra })
      return issue(family)
    },
    family: (id) => families.get(id),
    /** @returns {{ ok: true, pair: ReturnType<typeof issue> } | { ok: false, reason: string }} */
    refresh(refreshToken, source = '') {
      stats.refreshRequests++
      const record = refreshTokens.get(refreshToken ?? '')
      const family = record && families.get(record.family)
      stats.requestLog.push(Date.now())
      if (!record || !family) {
        stats.refused++
        return { ok: false, reason: 'unknown' }
      }
      if (record.used) {
        stats.reuseEvents++
        if (family.revoked === null) {
          family.revoked = 'reuse'
          stats.familiesLostToReuse++
        }
        stats.refused++
        return { ok: false, reason: 'reuse' }
      }
      if (family.revoked !== null) {
        stats.refused++
        return { ok: false, reason: 'revoked' }
      }
      record.used = true
      stats.refreshes++
      stats.refreshLog.push({ at: Date.now(), source })
      return { ok: true, pair: issue(record.family) }
    },
    revokeRefreshToken(refreshToken) {
      const record = refreshTokens.get(refreshToken ?? '')
      if (record) this.revokeFamily(record.family)
    },
    revokeFamily(id) {
      const family = families.get(id)
      if (!family) return
      stats.logouts++
      if (family.revoked === null) family.revoked = 'logout'
    },
    /** What the API makes of a bearer token: `valid`, `expired`, `revoked`, `unknown` or `missing`. */
    checkAccess(jti) {
      if (!jti) return { verdict: 'missing' }
      const record = accessTokens.get(jti)
      if (!record) return { verdict: 'unknown' }
      if (record.expiresAt <= Date.now()) return { verdict: 'expired', family: record.family }
      if (families.get(record.family)?.revoked) return { verdict: 'revoked', family: record.family }
      return { verdict: 'valid', family: record.family }
    },
  }
}

const readBody = (request) =>
  new Promise((resolve, reject) => {
    const chunks = []
    request.on('data', (chunk) => chunks.push(chunk))
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    request.on('error', reject)
  })

function parseBody(request, text) {
  if (!text) return {}
  if ((request.headers['content-type'] ?? '').includes('json')) {
    try {
      return JSON.parse(text)
    } catch {
      return {}
    }
  }
  return Object.fromEntries(new URLSearchParams(text))
}

const jtiOf = (token) => {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')).jti
  } catch {
    return undefined
  }
}
const bearerOf = (request) => /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1]
const cookieOf = (request, name) => new RegExp(`(?:^|;\\s*)${name}=([^;]+)`).exec(request.headers.cookie ?? '')?.[1]

/**
 * Starts the benchmark server on 127.0.0.1 with its own session core (one per scenario, so figures never mix).
 * @param {{ lifetimeS: number }} options
 */
export async function startBenchServer({ lifetimeS }) {
  const core = createSessionCore({ lifetimeS })
  const [pages, { privateKey, jwk }] = await Promise.all([pageBundles(), keys])
  let origin = ''

  const sign = (claims, { issuer, audience, expiresIn }) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'bench', typ: 'JWT' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject('user-1')
      .setIssuedAt()
      .setExpirationTime(`${expiresIn}s`)
      .sign(privateKey)
  const accessToken = (pair, issuer) => sign({ jti: pair.jti, sid: pair.family, session_id: pair.family, role: 'authenticated' }, { issuer, audience: 'bench-api', expiresIn: pair.expiresIn })
  // ID tokens live an hour, as at common providers (Auth0's default is ten): their expiry is not what is measured.
  const idToken = (_pair, { issuer, audience, nonce }) => sign({ ...(nonce ? { nonce } : {}), email: 'demo@example.test', name: 'Demo' }, { issuer, audience, expiresIn: 3600 })

  const send = (response, status, body, headers = {}) => {
    response.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers })
    response.end(body === undefined ? '' : JSON.stringify(body))
  }
  const oauthError = (response, result) => send(response, 400, { error: 'invalid_grant', error_description: `refresh token ${result.reason}` })
  const user = { id: 'user-1', aud: 'authenticated', role: 'authenticated', email: 'demo@example.test', app_metadata: {}, user_metadata: {}, created_at: '2026-01-01T00:00:00Z' }

  // Each SDK's protocol, all on the one core.
  const routes = {
    // tokenlife, cookie mode: JSON login, form refresh with the refresh token in an httpOnly cookie.
    'POST /tl/login': async (_request, response) => tlTokens(response, core.login()),
    'POST /tl/refresh': async (request, response) => {
      const result = core.refresh(cookieOf(request, 'rt'), 'tokenlife')
      if (!result.ok) return oauthError(response, result)
      return tlTokens(response, result.pair)
    },
    'POST /tl/logout': async (request, response) => {
      core.revokeRefreshToken(cookieOf(request, 'rt'))
      send(response, 200, {}, { 'Set-Cookie': 'rt=; Path=/tl; Max-Age=0' })
    },

    // oidc-client-ts: discovery, token endpoint (password grant for the benchmark's sign-in, refresh_token), revocation.
    'GET /oidc/.well-known/openid-configuration': async (_request, response) =>
      send(response, 200, {
        issuer: `${origin}/oidc`,
        authorization_endpoint: `${origin}/oidc/authorize`,
        token_endpoint: `${origin}/oidc/token`,
        revocation_endpoint: `${origin}/oidc/revoke`,
        jwks_uri: `${origin}/jwks`,
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code', 'refresh_token', 'password'],
        id_token_signing_alg_values_supported: ['RS256'],
        subject_types_supported: ['public'],
      }),
    'POST /oidc/token': async (request, response, body) => {
      let pair
      if (body.grant_type === 'password') pair = core.login()
      else if (body.grant_type === 'refresh_token') {
        const result = core.refresh(body.refresh_token, 'oidc')
        if (!result.ok) return oauthError(response, result)
        pair = result.pair
      } else return send(response, 400, { error: 'unsupported_grant_type' })
      const issuer = `${origin}/oidc`
      send(response, 200, {
        access_token: await accessToken(pair, issuer),
        token_type: 'Bearer',
        expires_in: pair.expiresIn,
        refresh_token: pair.refreshToken,
        id_token: await idToken(pair, { issuer, audience: 'bench-spa' }),
        scope: 'openid profile offline_access',
      })
    },
    'POST /oidc/revoke': async (_request, response, body) => {
      core.revokeRefreshToken(body.token)
      send(response, 200, undefined)
    },

    // @supabase/auth-js (GoTrue): /token?grant_type=password|refresh_token with JSON bodies, /logout, /user.
    'POST /sb/auth/v1/token': async (request, response, body, url) => {
      let pair
      const grant = url.searchParams.get('grant_type')
      if (grant === 'password') pair = core.login()
      else if (grant === 'refresh_token') {
        const result = core.refresh(body.refresh_token, 'supabase')
        if (!result.ok) {
          const code = result.reason === 'reuse' ? 'refresh_token_already_used' : 'refresh_token_not_found'
          return send(response, 400, { code: 400, error_code: code, msg: `Invalid Refresh Token: ${result.reason}` })
        }
        pair = result.pair
      } else return send(response, 400, { code: 400, error_code: 'validation_failed', msg: 'unsupported grant_type' })
      send(response, 200, {
        access_token: await accessToken(pair, `${origin}/sb/auth/v1`),
        token_type: 'bearer',
        expires_in: pair.expiresIn,
        expires_at: pair.exp,
        refresh_token: pair.refreshToken,
        user,
      })
    },
    'POST /sb/auth/v1/logout': async (request, response) => {
      const checked = core.checkAccess(jtiOf(bearerOf(request) ?? ''))
      if (checked.family) core.revokeFamily(checked.family)
      send(response, 204, undefined)
    },
    'GET /sb/auth/v1/user': async (request, response) => {
      const checked = core.checkAccess(jtiOf(bearerOf(request) ?? ''))
      if (checked.verdict !== 'valid') return send(response, 401, { code: 401, error_code: 'bad_jwt', msg: 'invalid JWT' })
      send(response, 200, user)
    },

    // @auth0/auth0-spa-js: /authorize answers at once with a code (the user is "already signed in" at the IdP),
    // /oauth/token exchanges it (ID token with the nonce) and rotates refresh tokens, /oauth/revoke.
    'GET /a0/authorize': async (request, response, _body, url) => {
      const code = randomBytes(12).toString('base64url')
      pendingCodes.set(code, { nonce: url.searchParams.get('nonce'), audience: url.searchParams.get('client_id') })
      const back = new URL(url.searchParams.get('redirect_uri'))
      back.searchParams.set('code', code)
      back.searchParams.set('state', url.searchParams.get('state'))
      response.writeHead(302, { Location: back.toString() }).end()
    },
    'POST /a0/oauth/token': async (request, response, body) => {
      let pair
      let nonce
      if (body.grant_type === 'authorization_code') {
        const pending = pendingCodes.get(body.code)
        pendingCodes.delete(body.code)
        if (!pending) return send(response, 403, { error: 'invalid_grant', error_description: 'unknown code' })
        nonce = pending.nonce
        pair = core.login()
      } else if (body.grant_type === 'refresh_token') {
        const result = core.refresh(body.refresh_token, 'auth0')
        if (!result.ok) return send(response, 403, { error: 'invalid_grant', error_description: `Unknown or invalid refresh token (${result.reason}).` })
        pair = result.pair
      } else return send(response, 400, { error: 'unsupported_grant_type' })
      const issuer = `${origin}/a0/`
      send(response, 200, {
        access_token: await accessToken(pair, issuer),
        token_type: 'Bearer',
        expires_in: pair.expiresIn,
        refresh_token: pair.refreshToken,
        id_token: await idToken(pair, { issuer, audience: body.client_id, nonce }),
        scope: 'openid profile email offline_access',
      })
    },
    'POST /a0/oauth/revoke': async (_request, response, body) => {
      core.revokeRefreshToken(body.token)
      send(response, 200, {})
    },

    // axios + axios-auth-refresh: the plain JSON API its README assumes.
    'POST /ax/login': async (_request, response) => axTokens(response, core.login()),
    'POST /ax/refresh': async (_request, response, body) => {
      const result = core.refresh(body.refreshToken, 'axios')
      if (!result.ok) return send(response, 401, { error: `refresh token ${result.reason}` })
      return axTokens(response, result.pair)
    },
    'POST /ax/logout': async (_request, response, body) => {
      core.revokeRefreshToken(body.refreshToken)
      send(response, 200, {})
    },

    'GET /jwks': async (_request, response) => send(response, 200, { keys: [jwk] }),
    // The protected API: logs what every call carried.
    'GET /api/me': async (request, response, _body, url) => {
      const checked = core.checkAccess(jtiOf(bearerOf(request) ?? ''))
      core.stats.api.push({ at: Date.now(), tab: url.searchParams.get('tab'), verdict: checked.verdict })
      if (checked.verdict !== 'valid') return send(response, 401, { error: 'invalid_token' }, { 'WWW-Authenticate': 'Bearer error="invalid_token"' })
      send(response, 200, { ok: true })
    },
  }
  const pendingCodes = new Map()
  const tlTokens = async (response, pair) =>
    send(response, 200, { access_token: await accessToken(pair, `${origin}/tl`), token_type: 'Bearer', expires_in: pair.expiresIn }, { 'Set-Cookie': `rt=${pair.refreshToken}; Path=/tl; HttpOnly; SameSite=Strict` })
  const axTokens = async (response, pair) =>
    send(response, 200, { accessToken: await accessToken(pair, `${origin}/ax`), refreshToken: pair.refreshToken, expiresIn: pair.expiresIn })

  const server = createServer(async (request, response) => {
    try {
      const url = new URL(request.url ?? '/', origin)
      const page = /^\/(\w+)\.(html|js)$/.exec(url.pathname)
      if (request.method === 'GET' && page && pageNames.includes(page[1])) {
        response.writeHead(200, { 'Content-Type': page[2] === 'html' ? 'text/html' : 'text/javascript', 'Cache-Control': 'no-store' })
        return response.end(page[2] === 'html' ? shell(page[1]) : pages.get(`${page[1]}.js`))
      }
      if (request.method === 'OPTIONS') return send(response, 204, undefined)
      const route = routes[`${request.method} ${url.pathname}`]
      if (!route) return send(response, 404, { error: 'not_found' })
      const text = request.method === 'POST' ? await readBody(request) : ''
      await route(request, response, parseBody(request, text), url)
    } catch (error) {
      console.error('bench server:', error)
      if (!response.headersSent) send(response, 500, { error: 'server_error' })
      else response.end()
    }
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${server.address().port}`
  return {
    origin,
    core,
    stats: core.stats,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(resolve)
      }),
  }
}
