// Re-timing on close, on real ptys in real time: three independent boards whose clocks run 500 ppm
// fast, recorded together for 12 s by the engine (its analysis worker running too). Once the
// session ends, every stored chunk must sit within 1 ms of the straight line of the board's true
// sample times, which the online fit does not promise for the first seconds after a connect.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/main/engine';
import { Library } from '../../src/main/storage';
import { findTool } from '../helpers/system-tool';
import { PtyLink, RealTimeBoard } from '../helpers/serial-rig';
import { tempDir } from '../helpers/temp-dir';

const socat = findTool('socat', { envVar: 'SOCAT', install: 'apt-get install socat (macOS: brew install socat)' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!socat)('re-timing a session on close (real ptys, real time)', () => {
  const dir = tempDir('retime');
  afterAll(() => dir.cleanup());

  it('puts every chunk of three +500 ppm boards within 1 ms of the line of true device time', { timeout: 60_000 }, async () => {
    const boards: RealTimeBoard[] = [];
    const engine = await createEngine({ dbPath: join(dir.path, 'retime.db') });
    let sessionId = 0;
    try {
      for (const [i, name] of ['r1', 'r2', 'r3'].entries()) {
        const link = new PtyLink(socat!, dir.path, name);
        await link.up();
        const board = new RealTimeBoard(link, { seed: 20 + i, driftPpm: 500, clockStartSeconds: 100 + 1000 * i });
        await board.plug();
        boards.push(board);
        await engine.connect(`serial:${link.hostPath}`, { protocol: 'vbp', baud: 921600 });
      }
      const deadline = Date.now() + 5000;
      while ((await engine.getStatus()).streams.filter((s) => !s.derivedFrom).length < 9) {
        if (Date.now() > deadline) throw new Error('timed out waiting for three HELLOs');
        await sleep(20);
      }
      sessionId = await engine.startRecording({ name: 'drift 500 ppm', participant: '' });
      await sleep(12_000);
      await engine.stopRecording();
      // The re-timing runs in a background job after Stop (closing the engine would cancel it).
      for (;;) {
        const job = (await engine.getStatus()).jobs.find((j) => j.kind === 'finish-session' && j.sessionId === sessionId);
        if (job && job.state !== 'running') {
          expect(job.state, job.error).toBe('done');
          break;
        }
        await sleep(50);
      }
    } finally {
      await engine.close();
      for (const b of boards) {
        await b.stop();
        await b.link.down();
      }
    }

    const library = new Library(join(dir.path, 'retime.db'), { readonly: true });
    try {
      const session = library.session(sessionId)!;
      for (const board of boards) {
        const device = `serial:${board.link.hostPath}`;
        // Host time minus the board's true time of the chunk's first sample: a constant (the
        // board's start on the host clock, plus the least transfer delay) if the times are right.
        const residuals: number[] = [];
        for (const desc of board.board.descriptor.streams) {
          const stream = session.streams.find((s) => s.key === `${device}/${desc.name}`)!;
          const rows = library.db.prepare('SELECT sample_index AS k, t0, t0_live AS live FROM chunks WHERE stream_id = ?').all(stream.id) as { k: number; t0: number; live: number | null }[];
          expect(rows.length).toBeGreaterThan(20);
          for (const r of rows) {
            expect(r.live, 're-timed chunks keep their online time').not.toBeNull();
            residuals.push(r.t0 - board.board.sampleTime(desc.rate, r.k));
          }
        }
        const line = [...residuals].sort((a, b) => a - b)[Math.floor(residuals.length / 2)];
        const worst = Math.max(...residuals.map((r) => Math.abs(r - line)));
        expect(worst * 1000, `${device}: worst distance from the line, ms`).toBeLessThan(1);
      }
    } finally {
      library.close();
    }
  });
});
