// Lint: typescript-eslint's recommended rules plus the type-aware ones that catch real bugs
// (a promise nobody awaits, a promise where a callback wants a value), and 120 columns for every line,
// strings included. Formatting is Prettier's.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'media/webview.js', '.cache/**', 'node_modules/**', 'test/fixtures/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test runs top-level tests itself; awaiting them is neither needed nor usual.
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      eqeqeq: ['error', 'smart'],
      'max-len': ['error', { code: 120, ignoreUrls: true }],
    },
  },
  { files: ['src/webview/**/*.ts'], languageOptions: { globals: { ...globals.browser } } },
  { files: ['**/*.mjs'], languageOptions: { globals: { ...globals.node } } },
);
