// The decisions behind `npm start` (scripts/electron-native.mjs). The real steps (downloading
// Electron, building better-sqlite3 against Electron's headers, launching the app) need the
// internet and a display, so they are not run here: only the paths, the staleness check and the
// commands the script would run.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  bundleLayout,
  bundleStep,
  electronBinary,
  exitCodeOf,
  isStale,
  launchStep,
  nativeBindingPath,
  nativeBuildEnv,
  nativeBuildSteps,
  nativeDir,
  newestMtime,
  shouldCopySqliteFile,
  type NativeTarget,
} from '../../scripts/electron-native.mjs';

const target: NativeTarget = { electronVersion: '45.5.0', sqliteVersion: '12.11.1', platform: 'linux', arch: 'x64' };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vitalscope-electron-native-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Writes a file (making its folders) and sets its modification time, in seconds since the epoch. */
function touch(path: string, seconds: number): void {
  mkdirSync(resolve(path, '..'), { recursive: true });
  writeFileSync(path, '');
  utimesSync(path, seconds, seconds);
}

describe('native build layout', () => {
  it('keeps one folder per Electron version, platform, arch and better-sqlite3 version, under native/', () => {
    const root = resolve('/repo');
    const folder = nativeDir(root, target);
    expect(folder).toBe(join(root, 'native', 'electron-45.5.0-linux-x64', 'better-sqlite3-12.11.1'));
    expect(nativeDir(root, { ...target, electronVersion: '46.0.0' })).not.toBe(folder);
    expect(nativeDir(root, { ...target, sqliteVersion: '12.12.0' })).not.toBe(folder);
    expect(nativeDir(root, { ...target, arch: 'arm64' })).not.toBe(folder);
    expect(nativeBindingPath(folder)).toBe(join(folder, 'build', 'Release', 'better_sqlite3.node'));
    // Never the Node build the tests load.
    expect(nativeBindingPath(folder).startsWith(join(root, 'node_modules'))).toBe(false);
  });

  it('copies the package sources but not its Node build', () => {
    for (const file of ['', 'package.json', 'binding.gyp', 'lib/index.js', 'src/better_sqlite3.cpp', 'deps/sqlite3/sqlite3.c', `deps${sep}common.gypi`]) {
      expect(shouldCopySqliteFile(file), file).toBe(true);
    }
    for (const file of ['build', 'build/Release/better_sqlite3.node', `build${sep}Release`, 'node_modules/x', 'prebuilds/linux-x64/x.node']) {
      expect(shouldCopySqliteFile(file), file).toBe(false);
    }
  });
});

describe('bundle staleness', () => {
  function layout() {
    return bundleLayout(dir);
  }
  function writeOutputs(seconds: number): void {
    for (const output of layout().outputs) touch(output, seconds);
  }

  it('names the entry outputs of main, preload and renderer and the sources', () => {
    const { inputs, outputs } = layout();
    expect(outputs).toEqual([join(dir, 'out/main/index.js'), join(dir, 'out/preload/index.js'), join(dir, 'out/renderer/index.html')]);
    expect(inputs).toContain(join(dir, 'src'));
    expect(inputs).toContain(join(dir, 'electron.vite.config.ts'));
  });

  it('is stale without out/, or with any output missing', () => {
    touch(join(dir, 'src/main/index.ts'), 1000);
    expect(isStale(layout())).toBe(true);
    writeOutputs(2000);
    expect(isStale(layout())).toBe(false);
    rmSync(join(dir, 'out/preload/index.js'));
    expect(isStale(layout())).toBe(true);
  });

  it('is stale when any source, however deep, is newer than the oldest output', () => {
    touch(join(dir, 'src/main/index.ts'), 1000);
    touch(join(dir, 'src/renderer/src/live/strip-chart.tsx'), 1000);
    touch(join(dir, 'electron.vite.config.ts'), 1000);
    writeOutputs(2000);
    expect(isStale(layout())).toBe(false);

    touch(join(dir, 'src/renderer/src/live/strip-chart.tsx'), 3000);
    expect(isStale(layout())).toBe(true);
    writeOutputs(4000);
    expect(isStale(layout())).toBe(false);

    touch(join(dir, 'electron.vite.config.ts'), 5000);
    expect(isStale(layout())).toBe(true);
  });

  it('is stale when one output is older than a source even if the others are newer', () => {
    touch(join(dir, 'src/main/index.ts'), 2000);
    writeOutputs(3000);
    touch(join(dir, 'out/renderer/index.html'), 1000);
    expect(isStale(layout())).toBe(true);
  });

  it('finds the newest file time below a folder; -Infinity for a missing path or no files', () => {
    touch(join(dir, 'a/b/c.ts'), 1000);
    touch(join(dir, 'a/d.ts'), 500);
    expect(newestMtime(join(dir, 'a'))).toBe(1000 * 1000);
    expect(newestMtime(join(dir, 'a/d.ts'))).toBe(500 * 1000);
    expect(newestMtime(join(dir, 'missing'))).toBe(-Infinity);
    mkdirSync(join(dir, 'empty'));
    expect(newestMtime(join(dir, 'empty'))).toBe(-Infinity);
  });
});

describe('electron binary', () => {
  it('is missing until the package has downloaded it', () => {
    expect(electronBinary(dir, {})).toEqual({ installed: false, path: null });
    writeFileSync(join(dir, 'path.txt'), 'electron');
    expect(electronBinary(dir, {})).toEqual({ installed: false, path: join(dir, 'dist', 'electron') });
    touch(join(dir, 'dist', 'electron'), 1000);
    expect(electronBinary(dir, {})).toEqual({ installed: true, path: join(dir, 'dist', 'electron') });
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH like the package does', () => {
    writeFileSync(join(dir, 'path.txt'), 'electron');
    touch(join(dir, 'custom', 'electron'), 1000);
    expect(electronBinary(dir, { ELECTRON_OVERRIDE_DIST_PATH: join(dir, 'custom') })).toEqual({
      installed: true,
      path: join(dir, 'custom', 'electron'),
    });
  });
});

describe('commands', () => {
  const root = resolve('/repo');
  const env = {
    PATH: '/usr/bin',
    HTTPS_PROXY: 'http://proxy:3128',
    npm_config_nodedir: '/usr',
    NPM_CONFIG_NODEDIR: '/usr',
    npm_config_target: '20.20.2',
    npm_config_runtime: 'node',
    npm_config_build_from_source: 'true',
    npm_config_https_proxy: 'http://proxy:3128',
    npm_package_name: 'vitalscope',
  };

  it("builds with Electron's headers, not the Node headers npm's nodedir points at", () => {
    const clean = nativeBuildEnv(env);
    expect(clean).toEqual({ PATH: '/usr/bin', HTTPS_PROXY: 'http://proxy:3128', npm_config_https_proxy: 'http://proxy:3128' });
  });

  it('tries a prebuilt binary first, then compiles against the Electron headers, in the package copy', () => {
    const folder = nativeDir(root, target);
    const steps = nativeBuildSteps({ root, dir: folder, target, node: '/usr/bin/node', env });
    expect(steps).toHaveLength(2);
    const [prebuilt, compile] = steps;
    expect(prebuilt.command).toBe('/usr/bin/node');
    expect(prebuilt.args[0]).toBe(join(root, 'node_modules', 'prebuild-install', 'bin.js'));
    expect(prebuilt.args).toEqual(expect.arrayContaining(['--runtime=electron', '--target=45.5.0', '--arch=x64', '--platform=linux']));
    expect(compile.args.slice(0, 3)).toEqual([join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'), 'rebuild', '--release']);
    expect(compile.args).toEqual(expect.arrayContaining(['--target=45.5.0', '--arch=x64', '--dist-url=https://electronjs.org/headers']));
    for (const step of steps) {
      expect(step.cwd).toBe(folder);
      expect(step.env.npm_config_nodedir).toBeUndefined();
      expect(step.env.NPM_CONFIG_NODEDIR).toBeUndefined();
    }
  });

  it('runs electron-vite with this Node', () => {
    const step = bundleStep(root, '/usr/bin/node', env);
    expect(step).toMatchObject({ command: '/usr/bin/node', args: [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], cwd: root });
  });

  it('launches `electron .` with the user arguments and the Electron binding', () => {
    const step = launchStep({
      root,
      electronPath: '/repo/node_modules/electron/dist/electron',
      bindingPath: 'native/x/build/Release/better_sqlite3.node',
      argv: ['--db', '/data/lab.db'],
      env: { ...env, ELECTRON_RUN_AS_NODE: '1' },
    });
    expect(step.command).toBe('/repo/node_modules/electron/dist/electron');
    expect(step.args).toEqual(['.', '--db', '/data/lab.db']);
    expect(step.cwd).toBe(root);
    expect(step.env.VITALSCOPE_SQLITE_BINDING).toBe(resolve('native/x/build/Release/better_sqlite3.node'));
    expect(step.env.ELECTRON_RUN_AS_NODE).toBeUndefined();
    expect(step.env.PATH).toBe('/usr/bin');
  });

  it("hands on Electron's exit code", () => {
    expect(exitCodeOf(0, null)).toBe(0);
    expect(exitCodeOf(3, null)).toBe(3);
    expect(exitCodeOf(null, 'SIGINT')).toBe(130);
    expect(exitCodeOf(null, 'SIGTERM')).toBe(143);
    expect(exitCodeOf(null, 'SIGUSR2')).toBe(1);
  });
});
