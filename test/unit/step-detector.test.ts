import { describe, expect, it } from 'vitest';
import { magnitude } from '../../src/main/analysis/dsp/imu/activity';
import { StepDetector } from '../../src/main/analysis/dsp/imu/step-detector';
import { Prng } from '../../src/main/devices/simulator/signals/prng';

const FS = 100;

interface Walk {
  /** Step frequency, Hz. */
  cadence: number;
  /** Vertical step impact, g. */
  stepG: number;
  /** Arm or leg swing at the stride frequency (half the cadence), g. */
  swingG: number;
  noiseG: number;
  /** Phone orientation: unit vector of "up" in the phone's axes. */
  up: [number, number, number];
  /** Swing direction in the phone's axes. */
  swingAxis: [number, number, number];
  seconds: number;
}

/** Channel-major ax, ay, az in m/s^2 of a walk that starts after 5 s still and stops 5 s before the end, and its step count. */
function walk(w: Walk, seed: number): { data: Float64Array; n: number; steps: number } {
  const rng = new Prng(seed);
  const n = Math.round((w.seconds + 10) * FS);
  const data = new Float64Array(3 * n);
  const walkStart = 5 * FS;
  const walkEnd = n - 5 * FS;
  for (let i = 0; i < n; i++) {
    const t = (i - walkStart) / FS;
    let vert = 1;
    let swing = 0;
    if (i >= walkStart && i < walkEnd) {
      const phase = t * w.cadence;
      const frac = phase - Math.floor(phase);
      // An impact pulse per step.
      vert += w.stepG * Math.exp(-((frac - 0.1) ** 2) / 0.005);
      swing = w.swingG * Math.sin(Math.PI * phase);
    }
    for (let k = 0; k < 3; k++) data[k * n + i] = 9.80665 * (vert * w.up[k] + swing * w.swingAxis[k] + w.noiseG * rng.gaussian());
  }
  return { data, n, steps: Math.floor(((walkEnd - walkStart) / FS) * w.cadence) };
}

describe('StepDetector: periodic walking bouts on the orientation-free magnitude', () => {
  it('reports every step within its bounded delay', () => {
    const w = walk({ cadence: 1.8, stepG: 0.35, swingG: 0.2, noiseG: 0.01, up: [0, 0, 1], swingAxis: [1, 0, 0], seconds: 60 }, 3);
    const det = new StepDetector(FS);
    const mag = magnitude(w.data, w.n);
    let lateness = 0;
    for (let i = 0; i < w.n; i += 10) for (const s of det.push(mag.subarray(i, i + 10))) lateness = Math.max(lateness, i + 10 - s);
    expect(det.count).toBeGreaterThan(0.99 * w.steps);
    expect(lateness).toBeLessThanOrEqual(det.maxDelay);
  });
});
