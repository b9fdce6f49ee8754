// The issue's "done when": a fresh Vite + React app and a fresh Vite + Vue app, made in a temporary folder from the
// packed tarballs (core, react, vue, testing) plus the registry, test a component in the signed-out, signed-in,
// revoked and offline states with the kit, and pass; their production bundles do not contain the kit; and nothing
// that core, react, vue or oauth ships imports it. Needs `pnpm build` first (`pnpm test` builds).
import { execFile } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const packages = fileURLToPath(new URL('../../../..', import.meta.url))
const appsDir = fileURLToPath(new URL('./apps', import.meta.url))
const work = mkdtempSync(join(tmpdir(), 'tokenlife-fresh-apps-'))
const tarballs = join(work, 'tarballs')

/** pnpm as the test was started with (`npx pnpm@… test` on a fresh machine), else the one on the PATH. */
const pnpm = (): [string, string[]] => {
  const execPath = process.env.npm_execpath
  return execPath && /pnpm\.c?js$/.test(execPath) ? [process.execPath, [execPath]] : ['pnpm', []]
}

/** How long each step took, printed at the end (the figures for a slow run). */
const timings: string[] = []

function run(cwd: string, command: string, args: string[], timeoutMs = 240_000): Promise<string> {
  const [file, prefix] = command === 'pnpm' ? pnpm() : [command, []]
  const started = performance.now()
  return new Promise((resolve, reject) => {
    execFile(file, [...prefix, ...args], { cwd, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, CI: 'true', NODE_ENV: '' } }, (error, stdout, stderr) => {
      timings.push(`${((performance.now() - started) / 1000).toFixed(1)} s  ${command} ${args.slice(0, 2).join(' ')} (${cwd.slice(work.length + 1) || cwd.split('/').pop()})`)
      if (error) reject(new Error(`${command} ${args.join(' ')} in ${cwd} failed:\n${stdout}\n${stderr}`))
      else resolve(`${stdout}\n${stderr}`)
    })
  })
}

/** The version the workspace resolved for `name`, seen from the package in `from`: the fresh apps install the same. */
function workspaceVersion(name: string, from: string): string {
  return (JSON.parse(readFileSync(join(packages, '..', from, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version
}

const tarball = (name: string) => `file:${join(tarballs, readdirSync(tarballs).find((file) => file.startsWith(`tokenlife-${name}-`))!)}`

/** Writes a fresh app: the committed sources in apps/<name>, a package.json with the tarballs and pinned tools. */
function createApp(name: 'react' | 'vue'): string {
  const dir = join(work, name)
  cpSync(join(appsDir, name), dir, { recursive: true })
  const tools = name === 'react'
    ? { '@vitejs/plugin-react': workspaceVersion('@vitejs/plugin-react', 'examples/react-app'), jsdom: workspaceVersion('jsdom', 'packages/testing'), '@testing-library/react': workspaceVersion('@testing-library/react', 'packages/testing'), '@testing-library/dom': workspaceVersion('@testing-library/dom', 'packages/react'), '@types/react': workspaceVersion('@types/react', 'packages/testing'), '@types/react-dom': workspaceVersion('@types/react-dom', 'packages/testing') }
    : { '@vitejs/plugin-vue': workspaceVersion('@vitejs/plugin-vue', 'examples/vue-app'), 'happy-dom': workspaceVersion('happy-dom', 'packages/testing'), '@vue/test-utils': workspaceVersion('@vue/test-utils', 'packages/testing') }
  const framework = name === 'react'
    ? { react: workspaceVersion('react', 'packages/testing'), 'react-dom': workspaceVersion('react-dom', 'packages/testing') }
    : { vue: workspaceVersion('vue', 'packages/testing') }
  const manifest = {
    name: `fresh-${name}-app`,
    private: true,
    type: 'module',
    scripts: { build: 'vite build', test: 'vitest run', typecheck: 'tsc -p tsconfig.json' },
    dependencies: { ...framework, '@tokenlife/core': tarball('core'), [`@tokenlife/${name}`]: tarball(name) },
    devDependencies: {
      '@tokenlife/testing': tarball('testing'),
      msw: workspaceVersion('msw', 'packages/testing'),
      vite: workspaceVersion('vite', 'examples/react-app'),
      vitest: workspaceVersion('vitest', '.'),
      typescript: workspaceVersion('typescript', '.'),
      ...tools,
    },
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2))
  return dir
}

/**
 * Both apps in one temporary workspace, so one `pnpm install` resolves them: the packed packages depend on each
 * other by version (0.1.0), which the registry does not have, so the root overrides point them at the tarballs.
 */
function createWorkspace(): void {
  writeFileSync(join(work, 'pnpm-workspace.yaml'), 'packages:\n  - react\n  - vue\n')
  const overrides = Object.fromEntries(['core', 'react', 'vue', 'testing'].map((name) => [`@tokenlife/${name}`, tarball(name)]))
  writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'fresh-apps', private: true, pnpm: { overrides, onlyBuiltDependencies: ['esbuild'] } }, null, 2))
}

/** Which tests the app's vitest run passed (its JSON report), by name. */
function passed(dir: string): string[] {
  const report = JSON.parse(readFileSync(join(dir, 'vitest-report.json'), 'utf8')) as { testResults: { assertionResults: { title: string; status: string }[] }[] }
  return report.testResults.flatMap((file) => file.assertionResults.filter((test) => test.status === 'passed').map((test) => test.title))
}

/** Every file of the built app's bundle, as text. */
function bundleText(dir: string): string {
  const assets = join(dir, 'dist', 'assets')
  return readdirSync(assets).filter((file) => file.endsWith('.js')).map((file) => readFileSync(join(assets, file), 'utf8')).join('\n')
}

const dirs = { react: join(work, 'react'), vue: join(work, 'vue') }

beforeAll(async () => {
  for (const name of ['core', 'react', 'vue', 'testing', 'oauth']) {
    if (!existsSync(join(packages, name, 'dist'))) throw new Error(`packages/${name}/dist is missing: run pnpm build first`)
  }
  for (const name of ['core', 'react', 'vue', 'testing']) await run(join(packages, name), 'pnpm', ['pack', '--pack-destination', tarballs])
  createApp('react')
  createApp('vue')
  createWorkspace()
  // From the tarballs and the registry: the packages come from the machine's pnpm store (the same versions as this
  // workspace, which its own install put there), but a fresh machine has no cached metadata, so pnpm asks the
  // registry to resolve the apps' dependencies; a flaky registry gets retries, not a failed run.
  await run(work, 'pnpm', ['install', '--prefer-offline', '--config.confirmModulesPurge=false', '--config.fetch-retries=5', '--config.fetch-retry-mintimeout=2000', '--config.fetch-retry-maxtimeout=30000'])
}, 300_000)

afterAll(() => {
  rmSync(work, { recursive: true, force: true })
  console.warn(`fresh apps, step by step:\n${timings.join('\n')}`)
})

// The two apps' steps run at the same time (child processes: the test mostly waits).
describe.concurrent.each(['react', 'vue'] as const)('a fresh Vite + %s app from the packed tarballs', (name) => {
  it('type-checks against the published types, and its component tests pass in the four states with the kit', async () => {
    const dir = dirs[name]
    await run(dir, 'pnpm', ['run', 'typecheck'])
    await run(dir, 'pnpm', ['exec', 'vitest', 'run', '--reporter=json', '--outputFile=vitest-report.json'])
    expect(passed(dir)).toEqual(expect.arrayContaining(['signed out', 'signed in', 'revoked', 'offline']))
    expect(passed(dir)).toHaveLength(5)
  })

  it("builds for production without the kit: the app's bundle has tokenlife's core and none of @tokenlife/testing", async () => {
    const dir = dirs[name]
    await run(dir, 'pnpm', ['run', 'build'])
    const bundle = bundleText(dir)
    expect(bundle).toContain('grant_type') // the core's refresh request is there…
    for (const marker of ['tokenlife.testing', 'TestAuthProvider', 'createTestAuthClient', 'tokenlifeHandlers', 'mockOidcProvider', 'mockServiceWorker']) {
      expect(bundle, marker).not.toContain(marker) // …and nothing of the kit (or msw)
    }
  })
})

describe('nothing that core, react, vue or oauth ships imports the kit', () => {
  it('no dependency on it in their manifests, no import of it in their builds or their non-test sources', () => {
    for (const name of ['core', 'react', 'vue', 'oauth']) {
      const manifest = JSON.parse(readFileSync(join(packages, name, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>
      for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) expect(Object.keys(manifest[field] ?? {}), `${name} ${field}`).not.toContain('@tokenlife/testing')
      const files = (dir: string): string[] =>
        readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
          const path = join(dir, entry.name)
          if (entry.isDirectory()) return entry.name === '__tests__' || entry.name === 'node_modules' ? [] : files(path)
          return /\.(c?js|mjs|tsx?|d\.c?ts)$/.test(entry.name) ? [path] : []
        })
      const shipped = [...files(join(packages, name, 'dist')), ...files(join(packages, name, 'src'))]
      expect(shipped.length, name).toBeGreaterThan(3)
      const importers = shipped.filter((file) => /['"]@tokenlife\/testing/.test(readFileSync(file, 'utf8')))
      expect(importers, name).toEqual([])
    }
  })
})
