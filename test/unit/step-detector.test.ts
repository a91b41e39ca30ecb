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
  /** A second, smaller impact this long after each step (a phone rattling in a bag), s, and its share of the first. */
  bounce?: { afterSec: number; share: number };
  /** Impact width as a share of the step period (a soft bag smears the impact; default 0.05). */
  widthPhase?: number;
  /** Step-to-step variation of the impact, as a share of stepG. */
  jitter?: number;
}

/** Channel-major ax, ay, az in m/s^2 of a walk that starts after 5 s still and stops 5 s before the end, and its step count. */
function walk(w: Walk, seed: number): { data: Float64Array; n: number; steps: number } {
  const rng = new Prng(seed);
  const n = Math.round((w.seconds + 10) * FS);
  const data = new Float64Array(3 * n);
  const walkStart = 5 * FS;
  const walkEnd = n - 5 * FS;
  const width2 = 2 * (w.widthPhase ?? 0.05) ** 2;
  const impact = Array.from({ length: Math.ceil(w.seconds * w.cadence) + 2 }, () => w.stepG * (1 + (w.jitter ?? 0) * (2 * rng.next() - 1)));
  const pulse = (frac: number, k: number) => impact[k] * Math.exp(-((frac - 0.1) ** 2) / width2);
  for (let i = 0; i < n; i++) {
    const t = (i - walkStart) / FS;
    let vert = 1;
    let swing = 0;
    if (i >= walkStart && i < walkEnd) {
      const phase = t * w.cadence;
      const frac = phase - Math.floor(phase);
      const k = Math.floor(phase);
      // An impact pulse per step, and the bounce after the previous or this one.
      vert += pulse(frac, k);
      if (w.bounce) {
        const b = frac - (w.bounce.afterSec * w.cadence);
        vert += w.bounce.share * (b >= -0.1 ? pulse(b, k) : k > 0 ? pulse(b + 1, k - 1) : 0);
      }
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

  // An armband: the arm's swing at stride frequency (half the cadence) is stronger in the magnitude
  // than the step impacts, so peaks alone come at stride rate.
  it('counts a walk with a strong arm swing at stride frequency at step rate, within 2 %', () => {
    const w = walk({ cadence: 1.8, stepG: 0.35, swingG: 0.3, noiseG: 0.01, up: [0, 0, 1], swingAxis: [0.6, 0, 0.8], seconds: 120 }, 5);
    const det = new StepDetector(FS);
    det.push(magnitude(w.data, w.n));
    expect(w.steps).toBe(216);
    expect(Math.abs(det.count - w.steps)).toBeLessThanOrEqual(0.02 * w.steps);
  });

  it('counts a damped, noisy phone in a bag with a second bounce within 3 %', () => {
    const w = walk(
      { cadence: 1.9, stepG: 0.25, swingG: 0.05, noiseG: 0.08, up: [0.36, 0.48, 0.8], swingAxis: [0.8, -0.6, 0], seconds: 120, bounce: { afterSec: 0.25, share: 0.7 }, widthPhase: 0.1, jitter: 0.4 },
      7,
    );
    const det = new StepDetector(FS);
    det.push(magnitude(w.data, w.n));
    expect(Math.abs(det.count - w.steps)).toBeLessThanOrEqual(0.03 * w.steps);
  });

  it.each([11, 12, 13])('counts fewer than 10 steps in 120 s of random jolts (handling, a bumpy ride), seed %i', (seed) => {
    const rng = new Prng(seed);
    const n = 120 * FS;
    const data = new Float64Array(3 * n);
    for (let i = 0; i < n; i++) data[2 * n + i] = 9.80665;
    // Jolts 0.15-1.2 s apart, 0.2-0.7 g, each in a random direction.
    for (let t = 1 + rng.next(); t < 119; t += 0.15 + 1.05 * rng.next()) {
      const dir = [rng.gaussian(), rng.gaussian(), rng.gaussian()];
      const norm = Math.hypot(...dir);
      const g = 0.2 + 0.5 * rng.next();
      const at = Math.round(t * FS);
      for (let j = -10; j <= 10; j++) for (let k = 0; k < 3; k++) data[k * n + at + j] += (9.80665 * g * dir[k] * Math.exp(-(j * j) / 18)) / norm;
    }
    for (let i = 0; i < 3 * n; i++) data[i] += 9.80665 * 0.01 * rng.gaussian();
    const det = new StepDetector(FS);
    det.push(magnitude(data, n));
    expect(det.count).toBeLessThan(10);
  });
});
