import { defineConfig } from 'tsup'

export default defineConfig({
  entry: ['src/index.ts', 'src/redis.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  // dist/, or the folder that scripts/buildPackage.mjs (`pnpm build`) swaps in for dist/ when done.
  outDir: process.env.TOKENLIFE_DIST ?? 'dist',
  clean: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'node',
  external: ['ioredis', 'jose'],
})
