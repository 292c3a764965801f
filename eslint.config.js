// ESLint (flat config): typescript-eslint's recommended rules; formatting is Prettier's (eslint-config-prettier).
'use strict';
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const prettier = require('eslint-config-prettier');
const globals = {
  require: 'readonly',
  module: 'writable',
  process: 'readonly',
  __dirname: 'readonly',
  console: 'readonly',
  Buffer: 'readonly',
  setTimeout: 'readonly',
  clearTimeout: 'readonly',
  setInterval: 'readonly',
  clearInterval: 'readonly',
  URL: 'readonly',
  fetch: 'readonly',
};

module.exports = tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'cdktf/',
      'examples/cdktf/.gen/',
      'examples/**/cdktf.out/',
      '.demo/',
      'coverage/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals },
    linterOptions: { reportUnusedDisableDirectives: 'warn' },
    rules: {
      // Unused names are dead code; a leading underscore marks a deliberate one.
      '@typescript-eslint/no-explicit-any': 'warn',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          caughtErrors: 'none',
        },
      ],
    },
  },
  { files: ['**/*.js'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  // The web page runs in the browser.
  {
    files: ['service/ui/static/**/*.js'],
    languageOptions: {
      globals: {
        document: 'readonly',
        location: 'readonly',
        sessionStorage: 'readonly',
        Node: 'readonly',
        window: 'readonly',
        history: 'readonly',
        URLSearchParams: 'readonly',
        FormData: 'readonly',
      },
    },
  },
  // Tests and the demo read JSON bodies of any shape.
  { files: ['test/**/*.ts', 'scripts/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  prettier,
);
