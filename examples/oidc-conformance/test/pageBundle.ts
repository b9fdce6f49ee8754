import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

/**
 * The built packages `source` re-exports, bundled into one script for a page: its exports are `window.tokenlife`.
 *
 * @example
 * ```ts
 * const script = await pageBundle("export * from '@tokenlife/core'")
 * ```
 */
export async function pageBundle(source: string): Promise<string> {
  const bundle = await build({
    stdin: { contents: source, resolveDir: fileURLToPath(new URL('.', import.meta.url)) },
    bundle: true,
    format: 'iife',
    globalName: 'tokenlife',
    write: false,
    logLevel: 'silent',
  })
  return bundle.outputFiles[0]!.text
}
