// Lint, including the layering rules of docs/ARCHITECTURE.md: the folder says where code runs, and an
// import across layers fails here (VS Code's code-layering rule, done with no-restricted-imports).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import prettierConfig from 'eslint-config-prettier';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/** What no core file may import: the shells and the renderer. */
const coreForbidden = ['**/server/**', '**/cli/**', '**/main/**', '**/preload/**', '**/renderer/**'];

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
    files: ['electron/server/**/*.ts', 'electron/cli/**/*.ts'],
    rules: layer('server and cli run without Electron: never import electron or electron/main|preload', {
      names: ['electron'],
      patterns: ['**/main/**', '**/preload/**', '**/renderer/**'],
    }),
  },
  {
    files: ['electron/core/**/*.ts'],
    ignores: ['electron/core/**/worker/**', 'electron/core/**/*-protocol.ts'],
    rules: layer(
      "core never imports a shell (server, cli, main) or electron, and reaches worker-only code (a worker/ folder) only through its feature's *-protocol.ts",
      {
        names: ['electron'],
        patterns: [...coreForbidden, '**/worker/**'],
      },
    ),
  },
  {
    // Worker-only code and the protocol files that describe it: same layer as core, and they may name worker/ modules.
    files: ['electron/core/**/worker/**/*.ts', 'electron/core/**/*-protocol.ts'],
    rules: layer('core never imports a shell (server, cli, main) or electron', {
      names: ['electron'],
      patterns: coreForbidden,
    }),
  },
  {
    // Thin entry points: they start a worker's code (a feature's worker/ folder) and nothing of the shells.
    files: ['electron/workers/**/*.ts'],
    rules: layer('a worker entry point starts core worker code only: no electron, shells or renderer', {
      names: ['electron'],
      patterns: ['**/main/**', '**/preload/**', '**/renderer/**', '**/server/**', '**/cli/**'],
    }),
  },
  {
    // Electron's main process is a thin bootstrap: it opens the core (its composition root and public
    // surface) and bridges IPC; it never reaches another shell, the renderer, or worker-only code.
    files: ['electron/main/**/*.ts'],
    rules: layer(
      'main is the desktop bootstrap: it wires core and IPC, never another shell, the renderer or worker code',
      {
        patterns: ['**/server/**', '**/cli/**', '**/renderer/**', '**/preload/**', '**/workers/**', '**/worker/**'],
      },
    ),
  },
  {
    // The sandboxed preload sees only Electron's renderer-side modules and the shared contract.
    files: ['electron/preload/**/*.ts'],
    ignores: ['electron/preload/**/*.test.ts'],
    rules: layer('preload imports only shared/ and electron (it runs sandboxed: no Node, no core)', {
      names: nodeBuiltins,
      patterns: ['**/core/**', '**/main/**', '**/server/**', '**/cli/**', '**/workers/**', '**/renderer/**', 'node:*'],
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
  {
    // The runtime shipped inside deployable bundles: plain CommonJS run by `node`, no build step.
    files: ['resources/bundle-runtime/**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
