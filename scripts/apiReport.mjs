// The API report: API Extractor reads each public package's built types (every export with types, after
// `pnpm build`) and writes etc/<package>[-<subpath>].api.md, a plain summary of the public surface that is committed,
// so a change to it shows in review. `--check` (CI) fails when the surface differs from the committed report.
//   node scripts/apiReport.mjs          write the reports
//   node scripts/apiReport.mjs --check  compare, fail on a difference
import { join } from 'node:path'
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor'
import { publicPackages, repoRoot } from '../docs/scripts/packages.mjs'

const check = process.argv.includes('--check')
let failed = false
for (const pkg of publicPackages()) {
  for (const entry of pkg.entries) {
    const name = `${pkg.slug}${entry.subpath === '.' ? '' : `-${entry.subpath.replace(/^\.\//, '').replaceAll('/', '-')}`}`
    const config = ExtractorConfig.prepare({
      configObject: {
        projectFolder: pkg.dir,
        mainEntryPointFilePath: join(pkg.dir, entry.types),
        compiler: { tsconfigFilePath: join(pkg.dir, 'tsconfig.json') },
        apiReport: {
          enabled: true,
          reportFolder: join(repoRoot, 'etc'),
          reportTempFolder: join(repoRoot, 'node_modules/.cache/api-extractor'),
          reportFileName: `${name}.api.md`,
        },
        docModel: { enabled: false },
        dtsRollup: { enabled: false },
        tsdocMetadata: { enabled: false },
        messages: {
          // Release tags (@public, @beta) are not used: everything exported is public. TSDoc itself is checked by TypeDoc.
          extractorMessageReporting: { 'ae-missing-release-tag': { logLevel: 'none' }, 'ae-unresolved-link': { logLevel: 'none' } },
          tsdocMessageReporting: { default: { logLevel: 'none' } },
        },
      },
      configObjectFullPath: undefined,
      packageJsonFullPath: join(pkg.dir, 'package.json'),
    })
    const result = Extractor.invoke(config, { localBuild: !check, showVerboseMessages: false })
    if (!result.succeeded) {
      console.error(`✗ ${pkg.name}${entry.subpath === '.' ? '' : entry.subpath.slice(1)}: ${check && result.apiReportChanged ? `the public API changed: run pnpm api:report and commit etc/${name}.api.md` : `${result.errorCount} errors, ${result.warningCount} warnings`}`)
      failed = true
    } else console.log(`✓ etc/${name}.api.md`)
  }
}
process.exit(failed ? 1 : 0)
