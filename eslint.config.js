// Lint, including the layering rules of docs/ARCHITECTURE.md: the folder says where code runs, and an
// import across layers fails here (VS Code's code-layering rule, done with no-restricted-imports).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import prettierConfig from 'eslint-config-prettier';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/** Forbids imports by name and by path pattern, with a message that says which layer rule was broken. */
const layer = (message, { names = [], patterns = [] }) => ({
  'no-restricted-imports': [
    'error',
    {
      paths: names.map((name) => ({ name, message })),
      patterns: patterns.map((group) => ({ group: [group], message })),
    },
  ],
});

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Formatting is Prettier's (printWidth 120, checked by `npm run lint`); ESLint keeps to correctness.
  prettierConfig,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-empty-pattern': 'off',
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: layer('shared/ is pure TypeScript: no Node, no Electron, no DOM, no other layer', {
      names: ['electron', ...nodeBuiltins],
      patterns: ['**/electron/**', '**/renderer/**', 'node:*'],
    }),
  },
  {
    files: ['electron/core/**/*.ts', 'electron/workers/**/*.ts', 'electron/server/**/*.ts', 'electron/cli/**/*.ts'],
    rules: layer('core, workers, server and cli run without Electron: never import electron or electron/main|preload', {
      names: ['electron'],
      patterns: ['**/main/**', '**/preload/**', '**/renderer/**'],
    }),
  },
  {
    files: ['electron/core/**/*.ts'],
    rules: layer('core never imports a shell (server, cli, main) or electron', {
      names: ['electron'],
      patterns: ['**/server/**', '**/cli/**', '**/main/**', '**/preload/**', '**/renderer/**'],
    }),
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...layer('renderer talks to the core only through the contract client: no electron/, no core, no Node', {
        names: ['electron', ...nodeBuiltins],
        patterns: ['**/electron/**', 'node:*'],
      }),
    },
  },
  {
    files: ['renderer/vite.config.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
