/** QRS detection time on a 30-minute 360 Hz record (MIT-BIH 100 when ../shared/data is present, else simulated). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readWfdbRecord } from '../../src/main/analysis/offline/load-input';
import { detectQrs } from '../../src/main/analysis/dsp/ecg/qrs-detector';
import { PhysiologySimulator } from '../../src/main/devices/simulator/signals';
import type { BenchCase } from '../types';

const RECORD = join(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'ecg', 'mitdb', '100.hea');

function signal(): { data: Float32Array; fs: number; source: string } {
  if (existsSync(RECORD)) {
    const s = readWfdbRecord(RECORD).signals[0];
    return { data: s.data as Float32Array, fs: s.fs, source: 'MIT-BIH 100' };
  }
  const fs = 360;
  const sim = new PhysiologySimulator({ ecgRateHz: fs, seed: 7 });
  const data = new Float32Array(30 * 60 * fs);
  sim.nextEcg(data, data.length);
  return { data, fs, source: 'simulated' };
}

const qrs: BenchCase = {
  name: 'qrs',
  description: 'streaming QRS detection over 30 min of 360 Hz ECG, single thread',
  async run() {
    const { data, fs } = signal();
    detectQrs(data.subarray(0, fs * 60), fs); // warm-up
    const times: number[] = [];
    let beats = 0;
    for (let r = 0; r < 5; r++) {
      const t = performance.now();
      beats = detectQrs(data, fs).length;
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    return {
      detectMs: { value: times[2], unit: 'ms', target: '< 100' },
      beats: { value: beats, unit: 'beats' },
    };
  },
};

export default qrs;
