import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', 'examples/*/public/**', 'docs/.vitepress/cache/**', 'docs/.vitepress/dist/**', 'docs/api/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['scripts/**', 'examples/**', '**/bench/**', '**/tabs/**', '.ci/**', 'docs/scripts/**', 'docs/test/**', 'docs/.vitepress/**'],
    languageOptions: { globals: { ...globals.node } },
    rules: { 'no-console': 'off' },
  },
  {
    // Scripts that also run code inside browser pages (playwright evaluate callbacks).
    files: ['**/bench/**', '**/tabs/**', 'examples/e2e/**'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
)
