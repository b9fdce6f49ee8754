// Opens every page of the built site (docs/.vitepress/dist) in real Chromium, served on a free port the way a static
// host serves clean URLs, and fails on a console error, an uncaught exception, a failed or refused request, a broken
// image, or a link to a page of the site that does not exist.
import { launchChromium } from '@tokenlife/test-utils/chromium'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const dist = fileURLToPath(new URL('../.vitepress/dist', import.meta.url))
const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
}

/** Every file under `root` (the built site by default), relative to it. */
function files(root = dist, dir = root): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(root, path) : [relative(root, path)]
  })
}

/** The file a URL path is served from, as a static host with clean URLs does; undefined for a 404. */
function fileFor(pathname: string): string | undefined {
  const path = decodeURIComponent(pathname).replace(/^\/+/, '')
  for (const candidate of [path, `${path}.html`, join(path, 'index.html')]) {
    const full = join(dist, candidate)
    if (candidate && existsSync(full) && statSync(full).isFile()) return full
  }
  return path === '' ? join(dist, 'index.html') : undefined
}

/** The URL path of each page: `concepts/tabs.html` → `/concepts/tabs`, `api/index.html` → `/api/`. */
const pages = (existsSync(dist) ? files() : [])
  .filter((file) => file.endsWith('.html') && file !== '404.html')
  .map((file) => `/${file.replace(/(^|\/)index\.html$/, '$1').replace(/\.html$/, '')}`)
  .sort()

let server: Server
let origin: string
let browser: Browser

beforeAll(async () => {
  if (!existsSync(join(dist, 'index.html'))) throw new Error(`${dist} is missing: build the site first (pnpm docs:build)`)
  server = createServer((request, response) => {
    const file = fileFor(new URL(request.url ?? '/', 'http://site').pathname)
    response.writeHead(file ? 200 : 404, { 'Content-Type': types[extname(file ?? '.html')] ?? 'application/octet-stream' })
    response.end(readFileSync(file ?? join(dist, '404.html')))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await new Promise((resolve) => server?.close(resolve))
})

describe('the documentation site in Chromium', () => {
  it('has every page of docs/, the API reference and the generated pages', () => {
    expect(pages.length).toBeGreaterThan(30)
    for (const page of ['/', '/getting-started', '/core', '/http', '/cross-tab', '/react', '/vue', '/security', '/architecture', '/background', '/oauth-servers']) {
      expect(pages).toContain(page)
    }
    for (const page of ['/server', '/troubleshooting', '/reliability', '/builds', '/comparison', '/api/', '/api/core/', '/api/react/', '/api/server/', '/api/server/redis', '/api/vue/']) {
      expect(pages).toContain(page)
    }

    for (const page of ['/migrating', '/api/oauth/', '/testing', '/api/testing/', '/api/testing/react', '/api/testing/vue', '/api/testing/e2e']) expect(pages).toContain(page)
  })

  it.concurrent.for(pages)('%s opens without a console error, a failed request, a broken image or a dead link', async (path, { expect }) => {
    const problems: string[] = []
    const page = await browser.newPage()
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`)
    })
    page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`))
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`))
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`)
    })
    await page.goto(`${origin}${path}`, { waitUntil: 'load' })
    const { broken, links } = await page.evaluate(async () => {
      // Images below the fold may be lazy: make them load, then wait for every one to settle.
      const images = [...document.images]
      for (const image of images) image.loading = 'eager'
      await Promise.all(images.map((image) => image.decode().catch(() => undefined)))
      return {
        broken: images.filter((image) => !image.complete || image.naturalWidth === 0).map((image) => image.src),
        links: [...document.querySelectorAll('a[href]')].map((anchor) => (anchor as HTMLAnchorElement).href),
      }
    })
    await page.close()
    for (const image of broken) problems.push(`broken image ${image}`)
    for (const link of links.filter((href) => href.startsWith(origin))) {
      const { pathname } = new URL(link)
      if (!pages.includes(pathname) && !fileFor(pathname)) problems.push(`dead link ${pathname}`)
    }
    expect(problems).toEqual([])
  })

  it('the API reference names each entry point as it is imported, and its source links name files of the repository', () => {
    const api = fileURLToPath(new URL('../api', import.meta.url))
    const sidebar = JSON.parse(readFileSync(join(api, 'sidebar.json'), 'utf8')) as Array<{ text: string; items: Array<{ text: string }> }>
    const entries = sidebar.flatMap(({ text, items }) => [text, ...items.map((item) => item.text)])
    expect(entries).toEqual(expect.arrayContaining(['@tokenlife/core', '@tokenlife/core/ky', '@tokenlife/server', '@tokenlife/server/redis']))
    expect(entries.every((text) => /^@tokenlife\/[\w-]+(\/[\w-]+)?$/.test(text)), entries.join(', ')).toBe(true)
    const markdown = files(api).filter((file) => file.endsWith('.md')).map((file) => readFileSync(join(api, file), 'utf8'))
    const sources = new Set(markdown.flatMap((text) => [...text.matchAll(/Defined in: \[[^\]]+\]\(https:\/\/github\.com\/[^/]+\/[^/]+\/blob\/main\/([^#)]+)#L\d+\)/g)].map((match) => match[1]!)))
    expect(sources.size).toBeGreaterThan(30)
    const root = fileURLToPath(new URL('../..', import.meta.url))
    expect([...sources].filter((source) => !existsSync(join(root, source)))).toEqual([])
  })

  it('the troubleshooting page has an entry for every code a production message links to', async () => {
    const page = await browser.newPage()
    await page.goto(`${origin}/troubleshooting`, { waitUntil: 'networkidle' })
    const ids = await page.evaluate(() => [...document.querySelectorAll('h3[id^="tl"]')].map((heading) => heading.id))
    await page.close()
    const { collectDiagnostics } = await import('../scripts/diagnostics.mjs')
    const codes = (await collectDiagnostics()).map(({ code }: { code: string }) => code.toLowerCase())
    expect(codes.length).toBeGreaterThan(70)
    expect(ids.sort()).toEqual([...codes].sort())
  })

  it('the navigation links the OpenID Connect pages (the provider settings, the migration guide) and Testing your app', async () => {
    const page = await browser.newPage()
    await page.goto(`${origin}/getting-started`, { waitUntil: 'load' })
    const links = await page.evaluate(() => [...document.querySelectorAll('.VPSidebar a[href]')].map((anchor) => new URL((anchor as HTMLAnchorElement).href).pathname))
    await page.close()
    expect(links).toEqual(expect.arrayContaining(['/oauth-servers', '/migrating', '/testing']))
  })
})
