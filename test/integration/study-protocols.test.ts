// The study protocol and marker paths end to end through the built bin: `record --protocol` with
// the simulator (step events in the library), `--markers stdin` from a real child process,
// `protocols import/export`, and `POST /api/markers` against a real `serve`.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { Library } from '../../src/main/storage/library';
import { protocolSteps } from '../../src/main/storage/protocol-steps';
import { cliOn } from '../helpers/cli';
import { tempDir } from '../helpers/temp-dir';

const BIN = join(__dirname, '../../bin/vitalscope.js');
const dir = tempDir('study-protocols');
const db = join(dir.path, 'library.db');
const cli = cliOn(db);

const THREE_STEPS = { name: 'Quick', steps: [{ name: 'Rest', duration_s: 1, instructions: 'Sit still' }, { name: 'Stand', duration_s: 1.5, instructions: '' }, { name: 'Recover', duration_s: 1, instructions: 'Sit' }] };

function sessionEvents(sessionId: number, kind: string) {
  const library = new Library(db);
  try {
    const session = library.session(sessionId)!;
    return { session, events: library.events(sessionId).filter((e) => e.kind === kind) };
  } finally {
    library.close();
  }
}

/** The process's exit, with what it wrote. */
function exited(child: ChildProcessWithoutNullStreams): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

beforeAll(() => {
  if (!existsSync(join(__dirname, '../../out/main/cli.js'))) throw new Error('out/main/cli.js is missing: run `npm run build` first');
});
afterAll(() => dir.cleanup());

describe('record --protocol', () => {
  it('runs the steps on the session clock, says each on stderr, and writes one step event per step with its duration', async () => {
    const file = join(dir.path, 'quick.json');
    writeFileSync(file, JSON.stringify(THREE_STEPS));
    const result = await cli('record', '--device', 'sim', '--protocol', file, '--name', 'protocol run');
    expect(result.stderr).toContain('step 1/3: Rest (1 s) - Sit still');
    expect(result.stderr).toContain('step 2/3: Stand (1.5 s)');
    expect(result.stderr).toContain('protocol "Quick" done');
    expect(result.code).toBe(0);
    const sessionId = Number(result.stdout.trim().split('\n').pop());
    const { session, events } = sessionEvents(sessionId, 'step');
    // Protocol steps have no stream (footsteps do); each starts where the one before ended.
    const steps = events.filter((e) => e.stream === null);
    expect(steps.map((e) => [e.text, e.duration])).toEqual([
      ['Rest', 1],
      ['Stand', 1.5],
      ['Recover', 1],
    ]);
    expect(steps[0].t).toBe(session.startedAt);
    expect(steps[1].t).toBeCloseTo(steps[0].t + 1, 9);
    expect(steps[2].t).toBeCloseTo(steps[1].t + 1.5, 9);
    expect(session.endedAt! - session.startedAt).toBeGreaterThanOrEqual(3.5);
    // What the dataset builder and the step summary read.
    const library = new Library(db);
    expect(protocolSteps(library, sessionId, session.startedAt).map((s) => s.text)).toEqual(['Rest', 'Stand', 'Recover']);
    library.close();
  });

  it('refuses a protocol file with a bad step, naming the step and field, before recording', async () => {
    const file = join(dir.path, 'bad.json');
    writeFileSync(file, JSON.stringify({ name: 'Bad', steps: [THREE_STEPS.steps[0], { name: 'Walk', duration_s: 0 }] }));
    const result = await cli('record', '--device', 'sim', '--protocol', file);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('bad.json: steps[1].duration_s: must be a positive number (seconds)');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('imports, lists and exports protocols', async () => {
    const file = join(dir.path, 'tilt.json');
    writeFileSync(file, JSON.stringify({ ...THREE_STEPS, name: 'Tilt' }));
    expect((await cli('protocols', 'import', file)).code).toBe(0);
    const again = await cli('protocols', 'import', file);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('a protocol named "Tilt" already exists');
    const listed = JSON.parse((await cli('protocols', '--json')).stdout) as { name: string; protocol: { steps: unknown[] } }[];
    expect(listed.map((p) => [p.name, p.protocol.steps.length])).toEqual([['Tilt', 3]]);
    const out = join(dir.path, 'tilt-out.json');
    expect((await cli('protocols', 'export', 'Tilt', out)).code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual({ ...THREE_STEPS, name: 'Tilt' });
    expect((await cli('protocols', 'export', 'Nope', out)).stderr).toContain('there is no protocol "Nope"');
  });
});

describe('record --markers stdin', () => {
  it('makes each line a marker when it arrives; EOF does not stop the recording', async () => {
    const child = spawn(process.execPath, [BIN, 'record', '--device', 'sim', '--seconds', '3', '--markers', 'stdin'], { env: { ...process.env, VITALSCOPE_DB: db } });
    const done = exited(child);
    // Sent once the recording runs (its progress line), then stdin ends.
    await new Promise<void>((resolve) => child.stderr.on('data', (d: Buffer) => d.toString().includes('recording ') && resolve()));
    child.stdin.write('stimulus on\n\n   \n  response  \n');
    child.stdin.end();
    const result = await done;
    expect(result.code).toBe(0);
    const sessionId = Number(result.stdout.trim().split('\n').pop());
    const { session, events } = sessionEvents(sessionId, 'marker');
    expect(events.map((e) => e.text)).toEqual(['stimulus on', 'response']);
    expect(session.endedAt! - session.startedAt).toBeGreaterThanOrEqual(2.9);
    for (const e of events) expect(e.t).toBeGreaterThan(session.startedAt);
  });
});

describe('POST /api/markers on a real serve', () => {
  it('answers 401 without the token, 400 on bad bodies, 409 when not recording, and 200 with the marker time', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], { env: { ...process.env, VITALSCOPE_DB: db } });
    const done = exited(child);
    try {
      const url = new URL(await new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString().split('\n')[0]))));
      const token = url.searchParams.get('token')!;
      const endpoint = `http://127.0.0.1:${url.port}/api/markers`;
      const post = async (body: string, headers: Record<string, string> = { Authorization: `Bearer ${token}` }, query = '') => {
        const res = await fetch(endpoint + query, { method: 'POST', body, headers });
        return { status: res.status, body: (await res.json()) as { t?: number; session?: number; error?: string } };
      };
      expect((await post('{"text":"x"}', {})).status).toBe(401);
      expect((await post('{"text":"x"}', { Authorization: 'Bearer wrong' })).status).toBe(401);
      expect(await post('{"text":')).toMatchObject({ status: 400, body: { error: expect.stringContaining('not JSON') } });
      expect(await post('{"txt":"x"}')).toMatchObject({ status: 400, body: { error: expect.stringContaining('"text"') } });
      expect((await post(JSON.stringify({ text: 'x'.repeat(10_000) }))).status).toBe(413);
      expect(await post('{"text":"x"}')).toMatchObject({ status: 409, body: { error: expect.stringContaining('nothing is recording') } });

      // Start a recording through the face's own socket, as the renderer does.
      const ws = new WebSocket(`ws://127.0.0.1:${url.port}/ws?token=${token}`);
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      let id = 0;
      const call = (method: string, ...args: unknown[]) =>
        new Promise<unknown>((resolve, reject) => {
          const mine = ++id;
          const onMessage = (raw: Buffer, binary: boolean) => {
            if (binary) return;
            const msg = JSON.parse(raw.toString()) as { id?: number; result?: unknown; error?: string };
            if (msg.id !== mine) return;
            ws.off('message', onMessage);
            if (msg.error) reject(new Error(msg.error));
            else resolve(msg.result);
          };
          ws.on('message', onMessage);
          ws.send(JSON.stringify({ id: mine, method, args }));
        });
      await call('connect', 'sim');
      const sessionId = (await call('startRecording', { name: 'external markers', participant: '' })) as number;
      const ok = await post('{"text":"  tone 1 "}');
      expect(ok.status).toBe(200);
      expect(ok.body.session).toBe(sessionId);
      const viaQuery = await post('{"text":"tone 2"}', {}, `?token=${token}`);
      expect(viaQuery.status).toBe(200);
      await call('stopRecording');
      ws.close();
      const { events } = sessionEvents(sessionId, 'marker');
      expect(events.map((e) => [e.text, e.t])).toEqual([
        ['tone 1', ok.body.t],
        ['tone 2', viaQuery.body.t],
      ]);
    } finally {
      child.kill('SIGINT');
      await done;
    }
  });
});
