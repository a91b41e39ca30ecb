// @ts-check
// The pure decisions behind `npm start` (scripts/start-electron.mjs): where the Electron-ABI build
// of better-sqlite3 lives, whether the app bundle is stale, which commands build and launch.
// No process spawning here, only path arithmetic and file stats, so test/unit/electron-native.test.ts
// can cover it. The real native build needs Electron's headers or prebuilt binaries from the
// internet and the Electron binary itself, so it is not exercised by the tests.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where Electron's headers come from when better-sqlite3 must be compiled for it. */
export const ELECTRON_HEADERS_URL = 'https://electronjs.org/headers';

/** The files of the better-sqlite3 package that an Electron build needs (not its Node build). */
const SQLITE_COPY_EXCLUDES = new Set(['build', 'node_modules', 'prebuilds']);

/**
 * @typedef {object} NativeTarget
 * @property {string} electronVersion e.g. "45.5.0"
 * @property {string} sqliteVersion better-sqlite3's version, e.g. "12.11.1"
 * @property {string} platform process.platform of the machine that runs Electron
 * @property {string} arch process.arch of the machine that runs Electron
 */

/**
 * @typedef {object} Step
 * @property {string} label what the step does, for the progress line
 * @property {string} command executable (process.execPath for Node scripts, so Windows needs no .cmd)
 * @property {string[]} args
 * @property {string} cwd
 * @property {Record<string, string | undefined>} env
 */

/**
 * The folder holding the copy of better-sqlite3 built for one Electron version. Keyed by Electron
 * version, platform and arch (the ABI) and by the better-sqlite3 version (the source), so an
 * upgrade of either builds afresh and never reuses a stale binary. It sits under `native/`
 * (gitignored), away from `node_modules/better-sqlite3/build`, which the Node tests load.
 * @param {string} root repository root
 * @param {NativeTarget} target
 * @returns {string}
 */
export function nativeDir(root, target) {
  return join(
    resolve(root),
    'native',
    `electron-${target.electronVersion}-${target.platform}-${target.arch}`,
    `better-sqlite3-${target.sqliteVersion}`,
  );
}

/**
 * The Electron-ABI binding that the shell hands to the engine (`VITALSCOPE_SQLITE_BINDING`).
 * @param {string} dir a folder from nativeDir()
 * @returns {string}
 */
export function nativeBindingPath(dir) {
  return join(dir, 'build', 'Release', 'better_sqlite3.node');
}

/**
 * Whether a file of the better-sqlite3 package (relative to its root, `/` or `\` separated) is
 * copied into the Electron build folder: everything but the Node build outputs.
 * @param {string} relativePath
 * @returns {boolean}
 */
export function shouldCopySqliteFile(relativePath) {
  const first = relativePath.split(/[\\/]/)[0];
  return !SQLITE_COPY_EXCLUDES.has(first);
}

/**
 * The newest modification time (ms) of a file or of any file below a folder (folders' own times
 * do not count); -Infinity when there is none.
 * @param {string} path
 * @returns {number}
 */
export function newestMtime(path) {
  if (!existsSync(path)) return -Infinity;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = -Infinity;
  for (const entry of readdirSync(path)) {
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/**
 * The inputs and outputs of `electron-vite build` that decide whether it must run again.
 * @param {string} root
 * @returns {{ inputs: string[], outputs: string[] }}
 */
export function bundleLayout(root) {
  const r = resolve(root);
  return {
    inputs: [join(r, 'src'), join(r, 'electron.vite.config.ts'), join(r, 'package.json')],
    outputs: [join(r, 'out', 'main', 'index.js'), join(r, 'out', 'preload', 'index.js'), join(r, 'out', 'renderer', 'index.html')],
  };
}

/**
 * True when an output is missing or older than the newest input.
 * @param {{ inputs: string[], outputs: string[] }} layout
 * @returns {boolean}
 */
export function isStale(layout) {
  let oldestOutput = Infinity;
  for (const output of layout.outputs) {
    if (!existsSync(output)) return true;
    oldestOutput = Math.min(oldestOutput, statSync(output).mtimeMs);
  }
  const newestInput = Math.max(-Infinity, ...layout.inputs.map(newestMtime));
  return newestInput > oldestOutput;
}

/**
 * Where the Electron binary is, if the npm package has downloaded it (the same files the package's
 * own index.js reads; reading them ourselves avoids its silent download on `require`).
 * @param {string} electronPackageDir node_modules/electron
 * @param {Record<string, string | undefined>} env
 * @returns {{ installed: boolean, path: string | null }}
 */
export function electronBinary(electronPackageDir, env = process.env) {
  const pathFile = join(electronPackageDir, 'path.txt');
  if (!existsSync(pathFile)) return { installed: false, path: null };
  const relative = readFileSync(pathFile, 'utf8').trim();
  const distDir = env.ELECTRON_OVERRIDE_DIST_PATH ?? join(electronPackageDir, 'dist');
  const path = join(distDir, relative);
  return { installed: existsSync(path), path };
}

// npm passes its config to scripts as npm_config_* variables. This repository's .npmrc sets
// nodedir=/usr so the Node build of better-sqlite3 uses the local headers; inherited by node-gyp,
// it would build against Node's headers instead of Electron's. These, and the npm_package_*
// variables prebuild-install reads to guess the package origin, never reach the Electron build.
const NATIVE_ENV_DROPPED = /^npm_(config_(nodedir|target|runtime|arch|platform|disturl|dist_url|build_from_source|devdir)|package_.*)$/i;

/**
 * The environment for the Electron build of better-sqlite3.
 * @param {Record<string, string | undefined>} baseEnv
 * @returns {Record<string, string | undefined>}
 */
export function nativeBuildEnv(baseEnv) {
  /** @type {Record<string, string | undefined>} */
  const env = {};
  for (const [key, value] of Object.entries(baseEnv)) {
    if (!NATIVE_ENV_DROPPED.test(key)) env[key] = value;
  }
  return env;
}

/**
 * The ways to get better-sqlite3 for Electron, in order: a prebuilt binary from the project's
 * GitHub releases (seconds), else a compile against Electron's headers (about a minute; needs
 * Python and a C++ toolchain).
 * @param {object} options
 * @param {string} options.root repository root (its node_modules provides prebuild-install and node-gyp)
 * @param {string} options.dir the folder from nativeDir(), holding the package copy
 * @param {NativeTarget} options.target
 * @param {string} options.node path of the Node executable
 * @param {Record<string, string | undefined>} options.env
 * @returns {Step[]}
 */
export function nativeBuildSteps({ root, dir, target, node, env }) {
  const modules = join(resolve(root), 'node_modules');
  const buildEnv = nativeBuildEnv(env);
  return [
    {
      label: 'download a prebuilt binary',
      command: node,
      args: [
        join(modules, 'prebuild-install', 'bin.js'),
        '--runtime=electron',
        `--target=${target.electronVersion}`,
        `--arch=${target.arch}`,
        `--platform=${target.platform}`,
      ],
      cwd: dir,
      env: buildEnv,
    },
    {
      label: "compile against Electron's headers",
      command: node,
      args: [
        join(modules, 'node-gyp', 'bin', 'node-gyp.js'),
        'rebuild',
        '--release',
        '--runtime=electron',
        `--target=${target.electronVersion}`,
        `--arch=${target.arch}`,
        `--dist-url=${ELECTRON_HEADERS_URL}`,
      ],
      cwd: dir,
      env: buildEnv,
    },
  ];
}

/**
 * How to run `electron-vite build` with this Node.
 * @param {string} root
 * @param {string} node
 * @param {Record<string, string | undefined>} env
 * @returns {Step}
 */
export function bundleStep(root, node, env) {
  const r = resolve(root);
  return {
    label: 'build the app (electron-vite build)',
    command: node,
    args: [join(r, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
    cwd: r,
    env,
  };
}

/**
 * How to launch the app: `electron .` with the user's arguments (`npm start -- --db PATH`) and the
 * Electron-ABI binding in VITALSCOPE_SQLITE_BINDING.
 * @param {object} options
 * @param {string} options.root
 * @param {string} options.electronPath
 * @param {string} options.bindingPath
 * @param {string[]} options.argv the arguments after the script's own
 * @param {Record<string, string | undefined>} options.env
 * @returns {Step}
 */
export function launchStep({ root, electronPath, bindingPath, argv, env }) {
  /** @type {Record<string, string | undefined>} */
  const launchEnv = { ...env, VITALSCOPE_SQLITE_BINDING: resolve(bindingPath) };
  // Set in some shells and by tools that run Electron as plain Node; the app would not start.
  delete launchEnv.ELECTRON_RUN_AS_NODE;
  return {
    label: 'launch Electron',
    command: electronPath,
    args: ['.', ...argv],
    cwd: resolve(root),
    env: launchEnv,
  };
}

/**
 * The exit code to hand on from a child process.
 * @param {number | null} code
 * @param {string | null} signal
 * @returns {number}
 */
export function exitCodeOf(code, signal) {
  if (code !== null) return code;
  // Killed by a signal: the shell convention 128 + signal number where known.
  const numbers = /** @type {Record<string, number>} */ ({ SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 });
  return signal && numbers[signal] ? 128 + numbers[signal] : 1;
}
