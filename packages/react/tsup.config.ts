import { defineConfig } from 'tsup'

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  external: ['@tokenlife/core', 'react', 'react-dom', 'vue', 'vue-router'],
  // The bundle drops module-level directives; the entry holds the provider and hooks, so it is a client module
  // for React Server Components.
  banner: { js: "'use client'" },
})
