import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { start } from './helpers'

function makeSpa(title: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tokenlife-spa-'))
  mkdirSync(join(dir, 'assets'))
  writeFileSync(join(dir, 'index.html'), `<!doctype html><title>${title}</title>`)
  writeFileSync(join(dir, 'assets', 'app-abc123.js'), 'console.log("app")')
  writeFileSync(join(dir, 'favicon.svg'), '<svg/>')
  return dir
}

describe('static SPA serving', () => {
  it('serves files, falls back to index.html for client routes, 404s missing assets', async () => {
    const server = await start({ staticDirs: { '/react/': makeSpa('react'), vue: makeSpa('vue') } })
    const get = (path: string, init?: RequestInit) => fetch(server.url + path, { redirect: 'manual', ...init })

    const index = await get('/react/')
    expect(index.status).toBe(200)
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(index.headers.get('cache-control')).toBe('no-cache')
    expect(await index.text()).toContain('<title>react</title>')

    const route = await get('/vue/account/settings')
    expect(route.status).toBe(200)
    expect(await route.text()).toContain('<title>vue</title>')

    const asset = await get('/react/assets/app-abc123.js')
    expect(asset.status).toBe(200)
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(asset.headers.get('cache-control')).toContain('immutable')
    expect(await asset.text()).toBe('console.log("app")')

    expect((await get('/vue/favicon.svg')).headers.get('content-type')).toBe('image/svg+xml')
    expect((await get('/react/assets/missing.js')).status).toBe(404)

    const redirect = await get('/react')
    expect(redirect.status).toBe(301)
    expect(redirect.headers.get('location')).toBe('/react/')

    const home = await get('/')
    const html = await home.text()
    expect(html).toContain('href="/react/"')
    expect(html).toContain('href="/vue/"')
  })

  it('never serves files outside the directory', async () => {
    const spa = makeSpa('react')
    // A secret beside the served directory, and one the path would reach if `..` were followed.
    writeFileSync(join(spa, '..', 'secret.txt'), 'the secret next door')
    const server = await start({ staticDirs: { '/react/': spa } })
    // Sent as raw request targets: fetch (and any URL parser) would resolve the dot segments before sending.
    const rawGet = (path: string) =>
      new Promise<{ path: string; status: number; text: string }>((resolve, reject) => {
        const { hostname, port } = new URL(server.url)
        const sent = request({ host: hostname, port, path, method: 'GET' }, (reply) => {
          let text = ''
          reply.on('data', (chunk) => (text += chunk))
          reply.on('end', () => resolve({ path: sent.path, status: reply.statusCode ?? 0, text }))
        })
        sent.on('error', reject)
        sent.end()
      })
    const attempts = [
      '/react/..%2fsecret.txt',
      '/react/%2e%2e/secret.txt',
      '/react/../secret.txt',
      '/react/..\\secret.txt',
      '/react/%2e%2e%2fsecret.txt',
      '/react/..%2f..%2f..%2fetc%2fpasswd',
      '/react/%2e%2e/%2e%2e/etc/passwd',
      '/react/../package.json',
    ]
    for (const path of attempts) {
      const reply = await rawGet(path)
      // The request reached the server as written...
      expect(reply.path).toBe(path)
      // ...and got nothing from outside the directory: a refusal, or the SPA's own index.html for a client route.
      expect(reply.text, path).not.toContain('the secret next door')
      expect(reply.text, path).not.toContain('root:')
      expect(reply.text, path).not.toContain('"name"')
      if (reply.status === 200) expect(reply.text, path).toContain('<title>react</title>')
    }
  })
})
