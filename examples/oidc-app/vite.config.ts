import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

export default defineConfig({
  plugins: [react()],
  // The bindings resolve react from their own folders; make sure the app bundles one copy.
  resolve: { dedupe: ['react', 'react-dom'] },
  build: { target: 'es2022' },
})
