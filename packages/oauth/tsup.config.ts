import { defineConfig } from 'tsup'

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  // oauth4webapi stays a separate module, imported with import() on first use (login, callback, a refreshed ID
  // token): an app bundles it as a lazy chunk.
  external: ['@tokenlife/core', 'oauth4webapi'],
})
