// Generates the pages made from the source before VitePress builds or serves the site: the API reference (TypeDoc,
// failing on an undocumented export), the troubleshooting page (the diagnostics tables) and the reliability page
// (reports/*.json and the test sources). None of them is committed.
import { generateApi } from './api.mjs'
import { generateTroubleshooting } from './diagnostics.mjs'
import { generateReliability } from './reliability.mjs'

try {
  await generateTroubleshooting()
  generateReliability()
  if (!process.argv.includes('--no-api')) await generateApi()
} catch (error) {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
}
