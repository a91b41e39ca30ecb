import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { Library } from '../../src/main/storage/library';
import { writeReviewSession } from '../helpers/review-session';
import { tempDir } from '../helpers/temp-dir';

const BIN = join(__dirname, '../../bin/vitalscope.js');
const dir = tempDir('cli-serve');
const db = join(dir.path, 'library.db');

describe('vitalscope serve --session (the built bin)', () => {
  let sessionId: number;
  beforeAll(() => {
    if (!existsSync(join(__dirname, '../../out/main/cli.js'))) throw new Error('out/main/cli.js is missing: run `npm run build` first');
    const library = new Library(db);
    sessionId = writeReviewSession(library, 10).sessionId;
    library.close();
  });

  it("prints a URL that opens the session's review route, and serves the app there", async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--db', db, '--session', String(sessionId)], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.once('data', (d: Buffer) => resolve(d.toString().split('\n')[0]));
        child.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
      });
      expect(url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/\\?token=[^#]+#/sessions/${sessionId}$`));
      expect((await fetch(url)).status).toBe(200);
    } finally {
      child.kill('SIGINT');
      await new Promise((r) => child.once('exit', r));
    }
  });

  it('says which session is missing, and prints no URL', async () => {
    const result = await promisify(execFile)(process.execPath, [BIN, 'serve', '--port', '0', '--db', db, '--session', '99']).then(
      () => ({ code: 0, stdout: '', stderr: '' }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`no session 99 in ${db}`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
