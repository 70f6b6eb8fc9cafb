import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'out/**',
      '.mla/**',
      'examples/data/**',
      '.vscode-test/**',
      'test/fixtures/harness-extension/out/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'vscode', message: 'src/core never imports vscode.' }] },
      ],
    },
  },
  {
    // The webview is browser code: it may import the protocol and the browser-safe shared folder, nothing
    // else of the host (no node modules, no core that reads files, no vscode).
    files: ['webview/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'The webview talks to the host through src/protocol only.' }],
          patterns: [
            {
              group: [
                '**/src/**',
                '!**/src/protocol',
                '!**/src/protocol/*',
                '!**/src/shared',
                '!**/src/shared/*',
                '!**/src/shared/**',
              ],
              message: 'The webview may import only src/protocol and src/shared (browser-safe).',
            },
            {
              // The host's decoders would otherwise land in the webview's bundle.
              group: ['**/src/protocol/*'],
              allowTypeImports: true,
              message: 'The webview takes only types from src/protocol (values live in src/shared).',
            },
            { group: ['node:*'], message: 'The webview runs in a browser: no node modules.' },
          ],
        },
      ],
    },
  },
  {
    // Browser-safe code shared by the host, the trainer and the webview.
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'src/shared runs in the webview too.' }],
          patterns: [{ group: ['node:*'], message: 'src/shared runs in the webview too: no node modules.' }],
        },
      ],
    },
  },
  {
    files: ['bin/**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.mjs', 'bin/**/*.js'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', require: 'readonly', __dirname: 'readonly' },
    },
  },
);
