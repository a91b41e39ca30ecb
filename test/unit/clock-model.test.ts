import { describe, expect, it } from 'vitest';
import { ClockModel } from '../../src/main/acquisition/clock-model';
import { Prng } from '../../src/main/devices/simulator/signals/prng';

describe('ClockModel', () => {
  it('unwraps the 32-bit microsecond clock across wraps and tolerates small reordering', () => {
    const clock = new ClockModel();
    const wrap = 2 ** 32;
    expect(clock.unwrap(wrap - 1000)).toBeCloseTo((wrap - 1000) / 1e6, 9);
    expect(clock.unwrap(500)).toBeCloseTo((wrap + 500) / 1e6, 9);
    // A packet of another stream stamped just before the wrap arrives late.
    expect(clock.unwrap(wrap - 200)).toBeCloseTo((wrap - 200) / 1e6, 9);
    expect(clock.unwrap(2000)).toBeCloseTo((wrap + 2000) / 1e6, 9);
    // Three more hours of wraps.
    let t = wrap + 2000;
    for (let i = 0; i < 3 * 3600 * 10; i++) {
      t += 100_000;
      clock.unwrap(t % wrap);
    }
    expect(clock.unwrap(t % wrap)).toBeCloseTo(t / 1e6, 6);
  });

  it.each([100, -100, 0])('tracks %i ppm drift to under 1 ms after 60 s with jittery arrivals', (ppm) => {
    const random = new Prng(ppm + 1000);
    const clock = new ClockModel();
    const hostStart = 1_800_000_000;
    const devStart = 123.456;
    let maxError = 0;
    // 50 packets a second; each arrives 0.2 ms + an exponential delay (mean 3 ms) after it was sent.
    for (let k = 0; k <= 60 * 50; k++) {
      const trueT = k / 50;
      const dev = devStart + trueT * (1 + ppm * 1e-6);
      const latency = 0.0002 - 0.003 * Math.log(1 - random.next());
      clock.observe(dev, hostStart + trueT + latency);
      if (trueT >= 60) maxError = Math.abs(clock.toHost(dev) - (hostStart + trueT));
    }
    expect(maxError).toBeLessThan(0.001);
    expect(clock.current()!.drift * 1e6).toBeCloseTo(-ppm, -1); // host runs slow by the board's fast ppm
  });

  it('keeps a bounded drift under every arrival: a short run with a late start does not fit a slope of a percent', () => {
    const bounded = new ClockModel({ maxDrift: 1e-3 });
    const free = new ClockModel();
    // 3 s of packets: the first two seconds' arrivals all 40 ms late (a loaded machine), then on time.
    for (let k = 0; k <= 3 * 50; k++) {
      const dev = k / 50;
      const host = 1000 + dev + (dev < 2 ? 0.04 : 0.001);
      bounded.observe(dev, host);
      free.observe(dev, host);
    }
    expect(Math.abs(free.current()!.drift)).toBeGreaterThan(5e-3);
    expect(bounded.current()!.drift).toBeCloseTo(-1e-3, 9);
    for (let k = 0; k <= 3 * 50; k++) {
      const dev = k / 50;
      expect(bounded.toHost(dev)).toBeLessThanOrEqual(1000 + dev + (dev < 2 ? 0.04 : 0.001) + 1e-9);
    }
  });
});
