import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { defineConfig, type DefaultTheme } from 'vitepress'

const root = fileURLToPath(new URL('../../', import.meta.url))
const manifest = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { repository: { url: string }; homepage: string }
/** https://github.com/<owner>/<repo>, from the root package.json's `repository`. */
const repository = manifest.repository.url.replace(/^git\+/, '').replace(/\.git$/, '')

/** The API reference's sidebar, written by scripts/api.mjs (absent until the pages are generated). */
const apiSidebarFile = `${root}docs/api/sidebar.json`
const apiSidebar: DefaultTheme.SidebarItem[] = existsSync(apiSidebarFile) ? JSON.parse(readFileSync(apiSidebarFile, 'utf8')) : []

const guide: DefaultTheme.SidebarItem[] = [
  {
    text: 'Guide',
    items: [
      { text: 'Introduction', link: '/' },
      { text: 'Background', link: '/background' },
      { text: 'Getting started', link: '/getting-started' },
      { text: 'How it compares', link: '/comparison' },
      { text: 'Migrating from another SDK', link: '/migrating' },
      { text: 'Builds: development and production', link: '/builds' },
      { text: 'Testing your app', link: '/testing' },
    ],
  },
  {
    text: 'Concepts',
    items: [
      { text: 'The session lifecycle', link: '/concepts/session-lifecycle' },
      { text: 'How a refresh is timed', link: '/concepts/refresh-timing' },
      { text: 'How tabs coordinate', link: '/concepts/tabs' },
      { text: 'The server contract', link: '/concepts/server-contract' },
      { text: 'Security', link: '/security' },
      { text: 'Architecture', link: '/architecture' },
    ],
  },
  {
    text: 'Reference',
    items: [
      { text: 'Core API', link: '/core' },
      { text: 'HTTP helpers', link: '/http' },
      { text: 'Cross-tab behaviour', link: '/cross-tab' },
      { text: 'React', link: '/react' },
      { text: 'Vue', link: '/vue' },
      { text: 'Server (@tokenlife/server)', link: '/server' },
      { text: 'OAuth 2.0 / OIDC servers', link: '/oauth-servers' },
      { text: 'API reference', link: '/api/' },
      { text: 'Troubleshooting', link: '/troubleshooting' },
    ],
  },
  {
    text: 'Recipes',
    items: [
      { text: 'TanStack Query', link: '/recipes/tanstack-query' },
      { text: 'Router guards', link: '/recipes/router-guards' },
      { text: 'Clearing app caches on logout', link: '/recipes/clear-caches' },
      { text: 'Next.js and Nuxt', link: '/recipes/next-nuxt' },
      { text: 'A cookie-only backend', link: '/recipes/cookie-backend' },
    ],
  },
  {
    text: 'Project',
    items: [
      { text: 'Reliability', link: '/reliability' },
      { text: 'Changelog', link: '/changelog' },
      { text: 'Contributing', link: '/contributing' },
    ],
  },
]

/**
 * Links from docs/ to files elsewhere in the repository (`../examples/server/README.md`) work on GitHub; on the site
 * they go to the repository. Rewritten before rendering, so the dead-link check sees only the site's own links.
 */
function repositoryLinks(md: { core: { ruler: { push: (name: string, rule: (state: { tokens: Token[] }) => void) => void } } }) {
  md.core.ruler.push('tokenlife-repository-links', (state) => {
    const visit = (tokens: Token[]) => {
      for (const token of tokens) {
        if (token.children) visit(token.children)
        if (token.type !== 'link_open') continue
        const href = token.attrGet('href')
        if (!href?.startsWith('../')) continue
        const path = href.replace(/^(\.\.\/)+/, '')
        const kind = /\.[a-z]+(#.*)?$/i.test(path) ? 'blob' : 'tree'
        token.attrSet('href', `${repository}/${kind}/main/${path}`)
      }
    }
    visit(state.tokens)
  })
}
interface Token {
  type: string
  children: Token[] | null
  attrGet(name: string): string | null
  attrSet(name: string, value: string): void
}

export default defineConfig({
  title: 'tokenlife',
  description: 'Token lifecycle for single-page apps: silent refresh on time, one refresh across tabs, logout everywhere.',
  lang: 'en',
  cleanUrls: true,
  // README.md is the folder's index on GitHub; index.md includes it below the site's hero.
  srcExclude: ['README.md', 'scripts/**', 'node_modules/**'],
  ignoreDeadLinks: false,
  lastUpdated: false,
  head: [['link', { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' }]],
  markdown: { config: (md) => repositoryLinks(md as never) },
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/getting-started' },
      { text: 'Core API', link: '/core' },
      { text: 'Server', link: '/server' },
      { text: 'API reference', link: '/api/' },
      { text: 'Troubleshooting', link: '/troubleshooting' },
      { text: 'Reliability', link: '/reliability' },
    ],
    sidebar: { '/api/': [{ text: 'API reference', link: '/api/', items: apiSidebar }, ...guide], '/': guide },
    search: { provider: 'local' },
    outline: { level: [2, 3] },
    socialLinks: [{ icon: 'github', link: repository }],
    editLink: { pattern: `${repository}/edit/main/docs/:path` },
    footer: { message: 'MIT licensed.' },
  },
})
