// ESLint 9 flat config: recommended rules for JS/TS (no type-aware rules, so lint stays fast) and
// the layering rules of DESIGN.md as `no-restricted-imports`. ESLint does not merge one rule's
// options across config objects (the last matching object wins), so every folder below gets one
// entry holding the union of the restrictions that apply to it; test/unit/layering.test.ts proves
// each of them fires.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** A regex matching a module name or any subpath of it (`fs`, `fs/promises`). */
const anyOf = (names) => `^(?:${names.map(escape).join('|')})(?:/.*)?$`;

// Each restriction: the import specifiers it forbids (as one regex) and why.
const ELECTRON = {
  regex: anyOf(['electron']),
  message: 'Only the desktop shell (src/main/index.ts, window.ts, ipc.ts and src/preload) may import electron; the engine must run under plain Node.',
};
const NODE_BUILTINS = {
  regex: `^node:|${anyOf(builtinModules.filter((name) => !name.startsWith('_')))}`,
  message: 'No Node built-ins here: this code also runs in the browser or is pure (DESIGN.md, "Rules of the house").',
};
const IO_PACKAGES = {
  regex: anyOf(['better-sqlite3', 'serialport', '@serialport', 'ws', 'onnxruntime-node', '@abandonware/noble', '@duckdb/node-api']),
  message: 'Pure code does no I/O: take bytes, frames or samples in and give them back; the callers in devices/, storage/ and analysis/ do the I/O.',
};
// Relative paths into another process's folder: a path segment named main, renderer or preload.
const folder = (name) => `^\\.{1,2}/(?:.*/)?${name}(?:/|$)`;
const MAIN = { regex: folder('main'), message: 'The renderer and shared code never import from src/main: go through VitalsApi (src/shared/api.ts).' };
const RENDERER = { regex: folder('renderer'), message: 'Nothing imports the renderer: only src/shared crosses process boundaries.' };
const PRELOAD = { regex: folder('preload'), message: 'Nothing imports the preload: only src/shared crosses process boundaries.' };

const restrict = (...groups) => ['error', { patterns: groups.map(({ regex, message }) => ({ regex, message })) }];

const SHELL = ['src/main/index.ts', 'src/main/window.ts', 'src/main/ipc.ts'];
const PURE = ['src/main/protocols/**', 'src/main/analysis/dsp/**', 'src/main/formats/**'];

const NODE_GLOBALS = Object.fromEntries(
  ['process', 'console', 'Buffer', 'URL', 'URLSearchParams', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'queueMicrotask', 'performance', 'structuredClone', 'TextEncoder', 'TextDecoder', 'AbortController', 'fetch'].map((name) => [name, 'readonly']),
);
const COMMONJS_GLOBALS = { require: 'readonly', module: 'writable', exports: 'writable', __dirname: 'readonly', __filename: 'readonly' };

export default [
  { ignores: ['out/**', 'node_modules/**', 'native/**', 'bench/results/**', 'dist/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  { files: ['**/*.{js,mjs,cjs}'], languageOptions: { globals: NODE_GLOBALS } },
  { files: ['**/*.cjs', 'bin/**/*.js'], languageOptions: { sourceType: 'commonjs', globals: { ...NODE_GLOBALS, ...COMMONJS_GLOBALS } } },
  {
    files: ['**/*.cjs', 'bin/**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },

  // Layering, from the widest folder to the narrowest (the last match wins).
  { files: ['src/**/*.{ts,tsx}'], rules: { 'no-restricted-imports': restrict(ELECTRON) } },
  { files: ['src/main/**/*.ts'], rules: { 'no-restricted-imports': restrict(ELECTRON, RENDERER, PRELOAD) } },
  { files: SHELL, rules: { 'no-restricted-imports': restrict(RENDERER, PRELOAD) } },
  { files: ['src/preload/**/*.ts'], rules: { 'no-restricted-imports': restrict(MAIN, RENDERER) } },
  { files: PURE, rules: { 'no-restricted-imports': restrict(ELECTRON, NODE_BUILTINS, IO_PACKAGES, RENDERER, PRELOAD) } },
  { files: ['src/renderer/**/*.{ts,tsx}'], rules: { 'no-restricted-imports': restrict(ELECTRON, NODE_BUILTINS, IO_PACKAGES, MAIN, PRELOAD) } },
  { files: ['src/shared/**/*.ts'], rules: { 'no-restricted-imports': restrict(ELECTRON, NODE_BUILTINS, IO_PACKAGES, MAIN, RENDERER, PRELOAD) } },
];
