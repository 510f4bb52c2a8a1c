import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'scripts/**',
      'packages/*/scripts/**',
      'packages/*/bin/**',
      'eslint.config.js',
      'packages/admin-ui/src/api/schema.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
    },
  },
  {
    // The pure core: no I/O, no servers, no databases (ARCHITECTURE.md).
    files: ['packages/protocol/src/**/*.ts', 'packages/core/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'net', 'http', 'https', 'tls', 'child_process', 'dgram', 'dns'],
              message: 'The core and protocol packages do no I/O.',
            },
            {
              group: ['ws', 'fastify', '@fastify/*', 'kysely', 'better-sqlite3', 'pg'],
              message: 'The core and protocol packages do no I/O.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['packages/drivers/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@kordon/gateway', '@kordon/client'],
              message: 'drivers never import gateway or client.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts', 'vitest.config.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
  {
    // The console: the browser's libraries and JSX (its own tsconfig), and React's rules of hooks.
    files: ['packages/admin-ui/src/**/*.{ts,tsx}'],
    languageOptions: {
      parserOptions: { project: './packages/admin-ui/tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    // The console's tests and Vite config: the browser's libraries and Node's (test/tsconfig.json).
    files: ['packages/admin-ui/test/**/*.ts', 'packages/admin-ui/vite.config.ts'],
    languageOptions: {
      parserOptions: {
        project: './packages/admin-ui/test/tsconfig.json',
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
);
