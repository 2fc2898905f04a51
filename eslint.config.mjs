import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'out/**',
      'test-results/**',
      'node_modules/**',
      '**/generated/**',
      'test/fixtures/**',
      '.unas/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // The engine is editor-free: usable from the server, the CLI, tests and benchmarks alike.
    files: ['server/src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['vscode', 'vscode-*'], message: 'The engine must not depend on the editor or LSP.' },
            {
              group: ['**/lsp/**', '**/webview/**', '**/client/**', '**/cli/**'],
              message: 'The engine must not import the layers above it.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['webview/**/*.ts', 'protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['vscode', 'node:*', '**/server/**', '**/client/**'],
              message: 'Browser-side and protocol code stay free of node and the editor.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
      },
    },
  },
);
