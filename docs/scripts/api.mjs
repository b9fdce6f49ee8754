// The API reference: TypeDoc (with typedoc-plugin-markdown and its VitePress theme) over every public package's
// entry points, one run per package, into docs/api/<package>/ (generated, not committed). Fails when an exported
// symbol, or a member of one, has no TSDoc, or when a {@link} does not resolve: TypeDoc's validation, with warnings
// as errors. Re-exports of another package (the bindings re-export @tokenlife/core) are documented there only.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { Application, LogLevel } from 'typedoc'
import { publicPackages, repoRoot } from './packages.mjs'

const docsDir = join(repoRoot, 'docs')
const apiDir = join(docsDir, 'api')

/**
 * Per package, members TypeDoc reports without their TSDoc although they have it: react's `UseAuthResult` is a union
 * built by a mapped type, whose `status` TypeDoc sees once per member (each is documented in the source).
 */
const notDocumented = { '@tokenlife/react': ['UseAuthResult.__type.status'] }

/** The repository's web address, from the root package.json (`repository.url`, without `git+` and `.git`). */
function repositoryUrl() {
  const { repository } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'))
  const url = typeof repository === 'string' ? repository : repository?.url
  if (typeof url !== 'string') throw new Error('the root package.json has no repository url (the API reference links to the sources there)')
  return url.replace(/^git\+/, '').replace(/\.git$/, '')
}

/** Titles each entry point's page as it is imported (`# index` → `# @tokenlife/core`, `# ky` → `# @tokenlife/core/ky`). */
function nameEntryPages(out, pkg) {
  for (const file of readdirSync(out).filter((name) => name.endsWith('.md'))) {
    const path = join(out, file)
    const text = readFileSync(path, 'utf8')
    const renamed = text
      .replace(/^# (index|[\w-]+)$/m, (line, name) => (pkg.entries.some((entry) => entry.source === `src/${name}.ts`) ? `# ${name === 'index' ? pkg.name : `${pkg.name}/${name}`}` : line))
      .replace(/^- \[index\]\(/m, `- [${pkg.name}](`)
      .replace(/^- \[([\w-]+)\]\(\1\.md\)/gm, (line, name) => (name === 'index' ? line : `- [${pkg.name}/${name}](${name}.md)`))
    if (renamed !== text) writeFileSync(path, renamed)
  }
}

/** Builds one package's reference; returns its sidebar entries, or throws with TypeDoc's complaints. */
async function documentPackage(pkg) {
  const out = join(apiDir, pkg.slug)
  const app = await Application.bootstrapWithPlugins({
    name: pkg.name,
    entryPoints: pkg.entries.map((entry) => join(pkg.dir, entry.source)),
    tsconfig: join(pkg.dir, 'tsconfig.json'),
    plugin: ['typedoc-plugin-markdown', 'typedoc-vitepress-theme'],
    out,
    docsRoot: docsDir,
    readme: 'none',
    entryFileName: 'index',
    // One page per entry point (with an anchor per symbol): a few long pages build and load faster than a hundred.
    outputFileStrategy: 'modules',
    hidePageHeader: true,
    hideBreadcrumbs: true,
    useCodeBlocks: true,
    parametersFormat: 'table',
    excludePrivate: true,
    excludeInternal: true,
    // Module names, shown file paths and source links are relative to the package's src/: the entry points are named
    // `index` and `ky` (renamed below as they are imported). TypeDoc roots both the names and `{path}` at
    // displayBasePath (from the repository's root every entry point was named `packages/<name>/src…`), so the
    // template adds the package's path. Source links come from the repository's address, not from a git remote (a
    // clone may have none, or another).
    displayBasePath: join(pkg.dir, 'src'),
    disableGit: true,
    sourceLinkTemplate: `${repositoryUrl()}/blob/main/${relative(repoRoot, join(pkg.dir, 'src'))}/{path}#L{line}`,
    // Another package's declarations (reached through its dist/ types) are documented with that package.
    externalPattern: ['**/node_modules/**', '**/dist/**'],
    excludeExternals: true,
    // A link to another package's symbol goes to that package's reference.
    externalSymbolLinkMappings: Object.fromEntries(publicPackages().map((other) => [other.name, { '*': `/api/${other.slug}/` }])),
    intentionallyNotDocumented: notDocumented[pkg.name] ?? [],
    validation: { notExported: true, invalidLink: true, notDocumented: true },
    treatValidationWarningsAsErrors: true,
    treatWarningsAsErrors: true,
    logLevel: LogLevel.Warn,
    sidebar: { autoConfiguration: true, format: 'vitepress', pretty: false, collapsed: true },
  })
  const project = await app.convert()
  if (!project) throw new Error(`TypeDoc could not convert ${pkg.name}`)
  app.validate(project)
  if (app.logger.hasErrors() || app.logger.hasWarnings()) throw new Error(`${pkg.name}: TypeDoc validation failed (see above)`)
  await app.generateOutputs(project)
  if (app.logger.hasWarnings()) throw new Error(`${pkg.name}: TypeDoc warned while writing the pages (see above)`)
  nameEntryPages(out, pkg)
  return JSON.parse(readFileSync(join(out, 'typedoc-sidebar.json'), 'utf8'))
}

/** Generates docs/api/ and docs/api/sidebar.json (what .vitepress/config.mts shows). */
export async function generateApi() {
  rmSync(apiDir, { recursive: true, force: true })
  const sidebar = []
  const index = ['# API reference', '', 'Generated by TypeDoc from the TSDoc of every public package.', '']
  for (const pkg of publicPackages()) {
    // Name each entry point's page as it is imported: `@tokenlife/core`, `@tokenlife/core/ky`.
    const items = (await documentPackage(pkg)).map((item) => ({ ...item, text: item.text === 'index' ? pkg.name : `${pkg.name}/${item.text}` }))
    sidebar.push({ text: pkg.name, collapsed: true, link: `/api/${pkg.slug}/`, items })
    index.push(`- [\`${pkg.name}\`](./${pkg.slug}/index.md)${pkg.entries.length > 1 ? `: ${pkg.entries.map((entry) => `\`${join(pkg.name, entry.subpath)}\``).join(', ')}` : ''}`)
    console.log(`api: ${pkg.name} → ${relative(repoRoot, join(apiDir, pkg.slug))}`)
  }
  writeFileSync(join(apiDir, 'index.md'), `${index.join('\n')}\n`)
  writeFileSync(join(apiDir, 'sidebar.json'), `${JSON.stringify(sidebar, null, 2)}\n`)
}
