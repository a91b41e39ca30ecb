import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { analyze } from '../../src/main/analysis/offline/analyze';
import { loadInput } from '../../src/main/analysis/offline/load-input';
import { parseCommand } from '../../src/main/command-args';
import { PhysiologySimulator } from '../../src/main/devices/simulator/signals';
import { createEngine } from '../../src/main/engine';
import { startWebFace } from '../../src/main/server';
import { Library } from '../../src/main/storage/library';
import { currentBeats, editBeats, resetBeats } from '../../src/main/storage/corrected-beats';
import { rangeHrv } from '../../src/main/storage/review-hrv';
import { detectedBeats } from '../../src/main/storage/review-queries';
import { BEAT_SESSION_START, beatTrain, writeBeatSession } from '../helpers/beat-session';
import { tempDir } from '../helpers/temp-dir';

// Alternating 800/820 ms with an ectopic beat (index 5) splitting 800 + 820 into 700 + 920.
const ECTOPIC = beatTrain([800, 820, 800, 820, 700, 920, 800, 820, 800, 820]);

/** The detector's stored beats (its mark series), which edits must never touch. */
const storedBeats = (library: Library, id: number) => library.markTimes(library.session(id)!.streams.find((s) => s.key === 'd/ecg')!.id).length;

describe('corrected beat sets on a real SQLite library', () => {
  const dir = tempDir('beats');
  let library: Library | undefined;
  afterEach(() => library?.close());
  afterAll(() => dir.cleanup());

  it('keeps edits across a reopen, beside a detected set that never changes, until reset', () => {
    const path = join(dir.path, 'persist.db');
    const f = writeBeatSession(path, [1, 2, 3, 4]);
    library = f.library;
    expect(currentBeats(library, f.id, 'd/ecg')).toEqual({ key: 'd/ecg', set: 'detected', t: [1, 2, 3, 4], rejected: [false, false, false, false] });
    const edited = editBeats(library, f.id, 'd/ecg', [
      { op: 'add', t: 2.5 },
      { op: 'reject', t: 3.05 },
      { op: 'delete', t: 1.1 },
      { op: 'move', from: 4, to: 4.2 },
    ]);
    expect(edited).toEqual({ key: 'd/ecg', set: 'corrected', t: [2, 2.5, 3, 4.2], rejected: [false, false, true, false] });
    library.close();
    library = new Library(path);
    expect(currentBeats(library, f.id, 'd/ecg')).toEqual(edited);
    expect(detectedBeats(library, f.id, 'd/ecg').t).toEqual([1, 2, 3, 4]);
    expect(storedBeats(library, f.id)).toBe(4);
    // Further edits start from the corrected set, not the detected one.
    expect(editBeats(library, f.id, 'd/ecg', [{ op: 'unreject', t: 3 }]).t).toEqual([2, 2.5, 3, 4.2]);
    expect(resetBeats(library, f.id, 'd/ecg')).toMatchObject({ set: 'detected', t: [1, 2, 3, 4] });
    expect(currentBeats(library, f.id, 'd/ecg').set).toBe('detected');
    expect(library.db.prepare('SELECT COUNT(*) AS n FROM corrected_beats').get()).toEqual({ n: 0 });
  });

  it('applies a batch all or none: a failing edit leaves the stored set as it was', () => {
    const f = writeBeatSession(join(dir.path, 'atomic.db'), [1, 2, 3, 4]);
    library = f.library;
    const bad = [{ op: 'add', t: 5 }, { op: 'delete', t: 7 }] as const;
    expect(() => editBeats(library!, f.id, 'd/ecg', [...bad])).toThrow('edit 2 of 2 (delete at 7 s): no beat within 150 ms of 7 s (nearest at 5 s); no edit of this batch was applied');
    // No corrected set was made by the failed first batch.
    expect(currentBeats(library, f.id, 'd/ecg').set).toBe('detected');
    editBeats(library, f.id, 'd/ecg', [{ op: 'reject', t: 2 }]);
    expect(() => editBeats(library!, f.id, 'd/ecg', [{ op: 'delete', t: 1 }, { op: 'add', t: 3.01 }])).toThrow(/edit 2 of 2 \(add at 3.01 s\): there is already a beat at 3 s/);
    expect(currentBeats(library, f.id, 'd/ecg')).toMatchObject({ set: 'corrected', t: [1, 2, 3, 4], rejected: [false, true, false, false] });
    // An empty batch makes no corrected set.
    const g = writeBeatSession(join(dir.path, 'atomic-empty.db'), [1, 2]);
    expect(editBeats(g.library, g.id, 'd/ecg', []).set).toBe('detected');
    g.library.close();
  });

  it('refuses edits while a session records, and names an unknown session or stream', () => {
    const f = writeBeatSession(join(dir.path, 'refuse.db'), [1, 2]);
    library = f.library;
    const live = library.createSession('live', '', BEAT_SESSION_START);
    expect(() => editBeats(library!, live, 'd/ecg', [{ op: 'add', t: 1 }])).toThrow(/has no stream "d\/ecg"/);
    library.addStream(live, null, { key: 'd/ecg', deviceId: 'd', name: 'ecg', kind: 'ecg', rate: 250, channels: [{ label: 'I', unit: 'mV' }] });
    expect(() => editBeats(library!, live, 'd/ecg', [{ op: 'add', t: 1 }])).toThrow(`session ${live} is still recording: its beats can be edited once it has stopped`);
    expect(() => editBeats(library!, 99, 'd/ecg', [])).toThrow(/no session 99 in/);
    expect(() => parseCommand('resetBeats', [f.id])).toThrow(/bad arguments for resetBeats/);
    expect(parseCommand('resetBeats', [f.id, 'd/ecg']).args).toEqual([f.id, 'd/ecg']);
  });

  it('computes HRV from the corrected set: a rejected ectopic beat takes out both its intervals', () => {
    const f = writeBeatSession(join(dir.path, 'hrv.db'), ECTOPIC);
    library = f.library;
    const detected = rangeHrv(library, f.id, 'd/ecg', 0, 20);
    expect(detected).toMatchObject({ key: 'd/ecg', set: 'detected', t0: 0, t1: 20, beats: 11, nn: 10 });
    // Beat times are stored as host epoch seconds, good to about 0.2 µs.
    expect(detected.rmssdMs).toBeCloseTo(Math.sqrt(79600 / 9), 3);
    editBeats(library, f.id, 'd/ecg', [{ op: 'reject', t: ECTOPIC[5] }]);
    const corrected = rangeHrv(library, f.id, 'd/ecg', 0, 20);
    expect(corrected).toMatchObject({ set: 'corrected', beats: 11, nn: 8, pnn50: 0 });
    expect(corrected.rmssdMs).toBeCloseTo(20, 3);
    expect(corrected.meanHrBpm).toBeCloseTo(60_000 / 810, 3);
    expect(() => rangeHrv(library!, f.id, 'd/ecg', 5, 5)).toThrow('HRV: the range 5..5 s is empty');
  });

  it('uses no interval across a recorded gap that could hide a beat, the stream\'s own or session-wide', () => {
    const t = beatTrain([800, 820, 800, 820, 800, 820, 800, 820, 800, 820]);
    const f = writeBeatSession(join(dir.path, 'gaps.db'), t, [
      { t: t[1] + 0.2, duration: 0.3, key: 'd/ecg' },
      // 20 ms: narrower than a QRS complex, so it hides no beat and its interval stays.
      { t: t[3] + 0.2, duration: 0.02, key: 'd/ecg' },
      // A lost link (no stream): every stream of the session lost it.
      { t: t[7] + 0.1, duration: 0.5 },
    ]);
    library = f.library;
    expect(rangeHrv(library, f.id, 'd/ecg', 0, 20).nn).toBe(8);
  });

  it('makes analyze of a recorded session use the corrected set for ECG HR and HRV, and say so', () => {
    const fs = 250;
    const seconds = 310;
    const sim = new PhysiologySimulator({ ecgRateHz: fs, seed: 5, noise: 0.02, motionArtifacts: false });
    const ecg = new Float32Array(seconds * fs);
    sim.nextEcg(ecg, ecg.length);
    const truth = sim.ecg.drainBeats().map((s) => s / fs);
    const path = join(dir.path, 'analyze.db');
    const f = writeBeatSession(path, truth);
    const stream = f.library.session(f.id)!.streams[0].id;
    for (let k = 0; k < seconds; k++) {
      const chunk = ecg.slice(k * fs, (k + 1) * fs);
      f.library.write(f.id, [{ streamId: stream, chunk: { key: 'd/ecg', index: k * fs, t0: BEAT_SESSION_START + k, dt: 1 / fs, n: fs, data: chunk } }], []);
    }
    f.library.endSession(f.id, BEAT_SESSION_START + seconds);
    library = f.library;
    const before = analyze(loadInput(String(f.id), { db: path })).ecg!;
    expect(before.beatSet).toBe('detected');
    editBeats(library, f.id, 'd/ecg', [
      { op: 'reject', t: truth[10] },
      { op: 'delete', t: truth[20] },
    ]);
    const after = analyze(loadInput(String(f.id), { db: path })).ecg!;
    expect(after.beatSet).toBe('corrected');
    expect(after.beats).toEqual(truth.filter((_, i) => i !== 20).map((t) => Math.round(t * fs)));
    const review = rangeHrv(library, f.id, 'd/ecg', 0, seconds);
    expect(after.hrv.overall.nn).toBe(review.nn);
    expect(after.hrv.overall.rmssdMs).toBeCloseTo(review.rmssdMs!, 2);
    expect(after.hrv.overall.sdnnMs).toBeCloseTo(review.sdnnMs!, 2);
    // Rejecting takes out two intervals; deleting merges two into one the 20% rule refuses.
    expect(review.nn).toBe(truth.length - 1 - 4);
    expect(before.hrv.overall.nn).toBeGreaterThan(review.nn);
    // The 300 s window's HRV is recomputed from the corrected beats too.
    expect(after.hrv.windows).toHaveLength(1);
    const window = rangeHrv(library, f.id, 'd/ecg', 0, 300);
    expect(after.hrv.windows[0].nn).toBe(window.nn);
    expect(after.hrv.windows[0].rmssdMs).toBeCloseTo(window.rmssdMs!, 2);
    expect(before.hrv.windows[0].nn).toBeGreaterThan(after.hrv.windows[0].nn!);
  });

  it('answers getBeats, editBeats, resetBeats and getHrv over the web face, with a clear error for a bad edit', async () => {
    const path = join(dir.path, 'face.db');
    const f = writeBeatSession(path, ECTOPIC);
    f.library.close();
    const engine = await createEngine({ dbPath: path });
    const face = await startWebFace({ engine, port: 0, rendererDir: dir.path, token: 'tok' });
    const ws = new WebSocket(`ws://127.0.0.1:${face.port}/ws?token=tok`);
    try {
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      let id = 0;
      const call = (method: string, ...args: unknown[]) =>
        new Promise<{ result?: unknown; error?: string }>((resolve) => {
          const mine = ++id;
          const onMessage = (data: WebSocket.RawData, binary: boolean) => {
            const message = binary ? null : (JSON.parse(String(data)) as { id?: number; result?: unknown; error?: string });
            if (message?.id !== mine) return;
            ws.off('message', onMessage);
            resolve(message);
          };
          ws.on('message', onMessage);
          ws.send(JSON.stringify({ id: mine, method, args }));
        });
      expect((await call('getBeats', f.id, 'd/ecg')).result).toMatchObject({ set: 'detected' });
      expect((await call('editBeats', f.id, 'd/ecg', [{ op: 'reject', t: ECTOPIC[5] }])).result).toMatchObject({ set: 'corrected' });
      expect((await call('getHrv', f.id, 'd/ecg', 0, 20)).result).toMatchObject({ set: 'corrected', nn: 8 });
      expect((await call('editBeats', f.id, 'd/ecg', [{ op: 'delete', t: 30 }])).error).toMatch(/^delete at 30 s: no beat within 150 ms of 30 s/);
      expect((await call('editBeats', f.id, 'd/ecg', [{ op: 'remove', t: 3 }])).error).toMatch(/^bad arguments for editBeats/);
      expect((await call('resetBeats', f.id, 'd/ecg')).result).toMatchObject({ set: 'detected' });
      expect((await call('getHrv', f.id, 'd/ecg', 0, 20)).result).toMatchObject({ set: 'detected', nn: 10 });
    } finally {
      ws.close();
      await face.close();
      await engine.close();
    }
  });
});
