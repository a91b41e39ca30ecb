import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Library } from '../../src/main/storage';
import { stepSummary } from '../../src/main/study/step-summary';
import { stepSummaryTable } from '../../src/main/study/step-summary-table';
import type { StreamInfo } from '../../src/shared/types';
import { tempDir } from '../helpers/temp-dir';

const T0 = 1_700_000_000;

function stream(library: Library, sessionId: number, info: Omit<StreamInfo, 'deviceId' | 'key'>, deviceId = 'sim'): number {
  return library.addStream(sessionId, null, { ...info, deviceId, key: `${deviceId}/${info.name}` });
}

/** 20 s: step "rest" 0-10 s (ECG HR 60, PPG HR 62), step "walk" 10-20 s (ECG HR 90 with one blank second, PPG HR 95, 20 footsteps, a gap of 25 samples). */
function writeSession(library: Library, withSteps: boolean): number {
  const id = library.createSession('steps', 'P1', T0);
  const ecgMetrics = stream(library, id, { name: 'ecg.metrics', kind: 'other', rate: 1, derivedFrom: 'sim/ecg', channels: [{ label: 'HR', unit: 'bpm' }, { label: 'RMSSD', unit: 'ms' }, { label: 'lost', unit: '%' }] });
  const ppgMetrics = stream(library, id, { name: 'ppg.metrics', kind: 'other', rate: 0.5, derivedFrom: 'sim/ppg', channels: [{ label: 'HR', unit: 'bpm' }, { label: 'SpO2', unit: '%' }, { label: 'PI', unit: '%' }, { label: 'SQI', unit: '' }, { label: 'lost', unit: '%' }] });
  const ecg = stream(library, id, { name: 'ecg', kind: 'ecg', rate: 500, channels: [{ label: 'ecg', unit: 'mV' }] });
  const imu = stream(library, id, { name: 'imu', kind: 'imu', rate: 100, channels: [{ label: 'ax', unit: 'g' }] });
  const ecgHr = Float32Array.from({ length: 20 }, (_, i) => (i < 10 ? 60 : i === 15 ? NaN : 90));
  const ecgData = new Float32Array(60);
  ecgData.set(ecgHr, 0);
  const ppgData = new Float32Array(50);
  for (let i = 0; i < 10; i++) {
    ppgData[i] = i < 5 ? 62 : 95;
    ppgData[10 + i] = i < 5 ? 97 : 99 - (i % 2);
  }
  library.write(
    id,
    [
      { streamId: ecgMetrics, chunk: { key: 'sim/ecg.metrics', index: 0, t0: T0, dt: 1, n: 20, data: ecgData } },
      { streamId: ppgMetrics, chunk: { key: 'sim/ppg.metrics', index: 0, t0: T0, dt: 2, n: 10, data: ppgData } },
    ],
    [
      { streamId: ecg, event: { kind: 'gap', t: T0 + 12, duration: 0.05, text: '1 packet lost', lost: 25 } },
      ...(withSteps
        ? [
            { streamId: null, event: { kind: 'step' as const, t: T0, duration: 0, text: 'rest' } },
            { streamId: null, event: { kind: 'step' as const, t: T0 + 10, duration: 0, text: 'walk' } },
          ]
        : []),
    ],
  );
  library.writeMarks(imu, 'step', 'step', Array.from({ length: 20 }, (_, i) => T0 + 10.25 + i * 0.5));
  library.endSession(id, T0 + 20, false, false);
  return id;
}

describe('step summary', () => {
  let dir: ReturnType<typeof tempDir>;
  let library: Library;
  beforeEach(() => {
    dir = tempDir('step-summary');
    library = new Library(join(dir.path, 'library.db'));
  });
  afterEach(() => {
    library.close();
    dir.cleanup();
  });

  it('gives each protocol step its HR per source, SpO2, footsteps, quality and lost samples', () => {
    const summary = stepSummary(library, writeSession(library, true));
    const [rest, walk] = summary.steps;
    expect(summary.steps.map((s) => [s.name, s.start_s, s.end_s, s.duration_s])).toEqual([
      ['rest', 0, 10, 10],
      ['walk', 10, 20, 10],
    ]);
    expect(rest.hr).toEqual({ ecg: { mean: 60, min: 60, max: 60, n: 10 }, ppg: { mean: 62, min: 62, max: 62, n: 5 } });
    expect(walk.hr.ecg).toEqual({ mean: 90, min: 90, max: 90, n: 9 });
    expect(walk.spo2).toEqual({ mean: 98.4, min: 98, max: 99, n: 5 });
    expect(rest.steps).toEqual({ count: 0, cadence_spm: 0 });
    expect(walk.steps).toEqual({ count: 20, cadence_spm: 120 });
    // One of the walk's ten ECG seconds has no HR.
    expect(walk.quality).toEqual({ ecg: 90, ppg: 100 });
    expect([rest.lost_samples, walk.lost_samples]).toEqual([0, 25]);
    const table = stepSummaryTable(summary).split('\n');
    expect(table[0]).toBe('step\tstart s\tduration s\tHR ecg bpm\tHR ppg bpm\tSpO2 %\tfootsteps\tcadence /min\tgood ecg %\tgood ppg %\tlost samples');
    expect(table[2]).toBe('walk\t10.0\t10.0\t90 (90-90)\t95 (95-95)\t98.4 (98.0-99.0)\t20\t120\t90\t100\t25');
  });

  it('summarises a session without steps as one row, and names HR sources apart when two devices share a name', () => {
    const id = writeSession(library, false);
    const strap = stream(library, id, { name: 'ecg.metrics', kind: 'other', rate: 0, channels: [{ label: 'HR', unit: 'bpm' }] }, 'strap');
    library.write(id, [{ streamId: strap, chunk: { key: 'strap/ecg.metrics', index: 0, t0: T0 + 1, dt: 0.001, n: 2, data: Float32Array.of(70, 80) } }], []);
    const { steps } = stepSummary(library, id);
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({ name: 'whole session', start_s: 0, end_s: 20, lost_samples: 25, steps: { count: 20, cadence_spm: 60 } });
    expect(Object.keys(steps[0].hr).sort()).toEqual(['ppg', 'sim/ecg', 'strap/ecg']);
    expect(steps[0].hr['strap/ecg']).toEqual({ mean: 75, min: 70, max: 80, n: 2 });
    expect(steps[0].hr['sim/ecg'].mean).toBeCloseTo((10 * 60 + 9 * 90) / 19, 9);
  });
});
