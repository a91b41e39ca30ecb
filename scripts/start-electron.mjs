#!/usr/bin/env node
// @ts-check
// `npm start`: open the desktop app. Steps:
//   1. make sure Electron's binary is there (the npm package downloads it on first use);
//   2. make sure better-sqlite3 is built for Electron's ABI, in native/ (one time per Electron
//      version), leaving node_modules/better-sqlite3/build, which the Node tests load, untouched;
//   3. run `electron-vite build` when out/ is missing or older than src/;
//   4. launch `electron .` with the user's arguments and VITALSCOPE_SQLITE_BINDING pointing at
//      the binding from step 2, and exit with Electron's exit code.
// The decisions live in ./electron-native.mjs (unit-tested); this file only runs them. Steps 1
// and 2 need the internet (Electron's binary, its headers or a prebuilt binding), so they are not
// exercised by the test suite.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  bundleLayout,
  bundleStep,
  electronBinary,
  exitCodeOf,
  isStale,
  launchStep,
  nativeBindingPath,
  nativeBuildSteps,
  nativeDir,
  shouldCopySqliteFile,
} from './electron-native.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

/**
 * @param {string} message
 * @returns {never}
 */
function fail(message) {
  console.error(`\nvitalscope: ${message}`);
  process.exit(1);
}

/** @param {string} dir */
function packageVersion(dir) {
  return /** @type {{ version: string }} */ (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))).version;
}

/** @param {import('./electron-native.mjs').Step} step */
function runStep(step) {
  const result = spawnSync(step.command, step.args, { cwd: step.cwd, env: step.env, stdio: 'inherit' });
  if (result.error) console.error(`vitalscope: could not ${step.label}: ${result.error.message}`);
  return result.status === 0;
}

function ensureElectron() {
  const electronDir = join(root, 'node_modules', 'electron');
  if (!existsSync(join(electronDir, 'package.json'))) fail('the electron package is not installed. Run `npm install` first.');
  const version = packageVersion(electronDir);
  if (!electronBinary(electronDir).installed) {
    console.log(`Downloading the Electron ${version} binary (one time)...`);
    const ok = runStep({
      label: 'download Electron',
      command: process.execPath,
      args: [join(electronDir, 'install.js')],
      cwd: electronDir,
      env: process.env,
    });
    if (!ok || !electronBinary(electronDir).installed) {
      fail(
        `Electron's binary could not be downloaded (it comes from GitHub on first use).\n` +
          `  Check the internet connection (or set ELECTRON_MIRROR / HTTPS_PROXY), then retry with:\n` +
          `    node node_modules/electron/install.js && npm start`,
      );
    }
  }
  // The package's own entry returns the executable's path (and would download it if missing).
  const electronPath = /** @type {string} */ (require('electron'));
  return { version, electronPath };
}

/** @param {string} electronVersion */
function ensureNativeSqlite(electronVersion) {
  const sqliteDir = join(root, 'node_modules', 'better-sqlite3');
  const target = { electronVersion, sqliteVersion: packageVersion(sqliteDir), platform: process.platform, arch: process.arch };
  const dir = nativeDir(root, target);
  const binding = nativeBindingPath(dir);
  if (existsSync(binding)) return binding;

  console.log(`Building better-sqlite3 for Electron ${electronVersion} (one time, ~1 min)...`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dirname(dir), { recursive: true });
  // The real folder: node_modules/better-sqlite3 may be a symlink (pnpm, npm link).
  const source = realpathSync(sqliteDir);
  cpSync(source, dir, { recursive: true, filter: (file) => shouldCopySqliteFile(relative(source, file)) });

  for (const step of nativeBuildSteps({ root, dir, target, node: process.execPath, env: process.env })) {
    console.log(`  better-sqlite3: trying to ${step.label}...`);
    if (runStep(step) && existsSync(binding)) {
      console.log(`  better-sqlite3 for Electron ${electronVersion} is ready: ${relative(root, binding)}`);
      return binding;
    }
  }
  rmSync(dir, { recursive: true, force: true });
  return fail(
    `could not build better-sqlite3 for Electron ${electronVersion}.\n` +
      `  A prebuilt binary (GitHub) and Electron's headers (electronjs.org) both need the internet;\n` +
      `  compiling also needs Python 3 and a C++ toolchain (build-essential / Xcode CLT / VS Build Tools).\n` +
      `  Fix that and run \`npm start\` again; \`npm test\` is unaffected (it uses the Node build).`,
  );
}

function ensureBundle() {
  if (!isStale(bundleLayout(root))) return;
  const step = bundleStep(root, process.execPath, process.env);
  console.log('Building the app (electron-vite build)...');
  if (!runStep(step)) fail('`electron-vite build` failed; see the errors above.');
}

function launch(/** @type {string} */ electronPath, /** @type {string} */ bindingPath) {
  const step = launchStep({ root, electronPath, bindingPath, argv: process.argv.slice(2), env: process.env });
  const child = spawn(step.command, step.args, { cwd: step.cwd, env: step.env, stdio: 'inherit' });
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
    process.on(signal, () => {
      if (!child.killed) child.kill(signal);
    });
  }
  child.on('error', (error) => fail(`could not launch Electron (${electronPath}): ${error.message}`));
  child.on('exit', (code, signal) => process.exit(exitCodeOf(code, signal)));
}

const { version, electronPath } = ensureElectron();
const bindingPath = ensureNativeSqlite(version);
ensureBundle();
launch(electronPath, bindingPath);
