// The layering rules of DESIGN.md, as enforced by eslint.config.mjs: each restriction fires where
// it should and stays quiet where it should not.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

/** The no-restricted-imports messages for `code` linted as if it were the file at `filePath`. */
async function restricted(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, filePath) });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

async function allErrors(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, filePath) });
  return result.messages.filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('layering rules', () => {
  it('lets only the desktop shell import electron', async () => {
    const code = "import { app } from 'electron';\nexport const a = app;\n";
    for (const file of ['src/main/engine.ts', 'src/main/cli.ts', 'src/main/storage/recorder.ts', 'src/renderer/src/App.tsx', 'src/shared/api.ts']) {
      const messages = await restricted(code, file);
      expect(messages, file).toHaveLength(1);
      expect(messages[0]).toMatch(/only the desktop shell/i);
    }
    for (const file of ['src/main/index.ts', 'src/main/window.ts', 'src/main/ipc.ts', 'src/preload/index.ts']) {
      expect(await restricted(code, file), file).toEqual([]);
    }
    expect(await restricted("export { ipcMain } from 'electron/main';\n", 'src/main/engine.ts')).toHaveLength(1);
  });

  it('keeps Node built-ins out of pure folders, the renderer and shared', async () => {
    const imports = [
      "import fs from 'node:fs';",
      "import { readFile } from 'fs/promises';",
      "import path from 'path';",
      "import { EventEmitter } from 'events';",
      "import { spawn } from 'child_process';",
      "import os from 'os';",
    ];
    const files = ['src/main/protocols/x.ts', 'src/main/analysis/dsp/x.ts', 'src/main/formats/edf/x.ts', 'src/renderer/src/x.tsx', 'src/shared/x.ts'];
    for (const file of files) {
      for (const line of imports) {
        const messages = await restricted(`${line}\n`, file);
        expect(messages, `${file}: ${line}`).toHaveLength(1);
        expect(messages[0]).toMatch(/Node built-ins/);
      }
    }
    // I/O code may use them.
    expect(await restricted("import fs from 'node:fs';\n", 'src/main/storage/x.ts')).toEqual([]);
    expect(await restricted("import fs from 'node:fs';\n", 'src/main/devices/serial/x.ts')).toEqual([]);
  });

  it('keeps I/O packages and electron out of pure folders', async () => {
    for (const pkg of ['better-sqlite3', 'serialport', 'ws', 'electron']) {
      for (const file of ['src/main/protocols/vbp/x.ts', 'src/main/analysis/dsp/x.ts', 'src/main/formats/x.ts']) {
        expect(await restricted(`import x from '${pkg}';\nexport default x;\n`, file), `${file}: ${pkg}`).toHaveLength(1);
      }
    }
    expect(await restricted("import Database from 'better-sqlite3';\nexport default Database;\n", 'src/main/storage/db.ts')).toEqual([]);
    expect(await restricted("import { WebSocketServer } from 'ws';\nexport default WebSocketServer;\n", 'src/main/server.ts')).toEqual([]);
  });

  it('keeps the renderer away from main and preload', async () => {
    for (const spec of ['../../main/engine', '../../../main/protocols/vbp', '../../preload/index']) {
      expect(await restricted(`import { x } from '${spec}';\nexport { x };\n`, 'src/renderer/src/live/x.ts'), spec).toHaveLength(1);
    }
    expect(await restricted("import type { Engine } from '../../main/engine-api';\nexport type { Engine };\n", 'src/renderer/src/x.ts')).toHaveLength(1);
    // Its own folders and shared are fine, even one whose name merely contains "main".
    const ok = "import { a } from './domain/a';\nimport { b } from '../../shared/api';\nexport { a, b };\n";
    expect(await restricted(ok, 'src/renderer/src/x.ts')).toEqual([]);
  });

  it('keeps shared free of main, renderer, preload and Node', async () => {
    for (const spec of ['../main/engine-api', '../renderer/src/App', '../preload/index', 'node:path', 'electron']) {
      expect(await restricted(`import { x } from '${spec}';\nexport { x };\n`, 'src/shared/x.ts'), spec).toHaveLength(1);
    }
    expect(await restricted("import type { StreamInfo } from './types';\nexport type { StreamInfo };\n", 'src/shared/x.ts')).toEqual([]);
  });

  it('keeps main and the preload out of the renderer and each other', async () => {
    expect(await restricted("import { x } from '../renderer/src/x';\nexport { x };\n", 'src/main/engine.ts')).toHaveLength(1);
    expect(await restricted("import { x } from '../preload/index';\nexport { x };\n", 'src/main/index.ts')).toHaveLength(1);
    expect(await restricted("import { x } from '../main/ipc';\nexport { x };\n", 'src/preload/index.ts')).toHaveLength(1);
    expect(await restricted("import { VITALS_COMMANDS } from '../shared/api';\nexport { VITALS_COMMANDS };\n", 'src/preload/index.ts')).toEqual([]);
  });

  it('passes a clean pure module', async () => {
    const code = [
      "import type { Chunk } from '../../shared/types';",
      "import { crc16 } from './crc16';",
      '',
      'export function checksum(chunk: Chunk): number {',
      '  return crc16(new Uint8Array(chunk.data.buffer));',
      '}',
      '',
    ].join('\n');
    expect(await allErrors(code, 'src/main/protocols/vbp/checksum.ts')).toEqual([]);
  });

  it('ignores build outputs and native builds', async () => {
    expect(await eslint.isPathIgnored(resolve(root, 'out/main/index.js'))).toBe(true);
    expect(await eslint.isPathIgnored(resolve(root, 'native/electron-45.5.0-linux-x64/better-sqlite3-12.11.1/lib/index.js'))).toBe(true);
    expect(await eslint.isPathIgnored(resolve(root, 'bench/results/run.json'))).toBe(true);
  });
});
