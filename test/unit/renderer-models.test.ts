import { describe, expect, it } from 'vitest';
import { addFrame, SERIES_SECONDS } from '../../src/renderer/src/models/model-series';
import { parseRoute, routeHash } from '../../src/renderer/src/routes';
import type { LiveFrame } from '../../src/shared/api';

const frame = (blocks: LiveFrame['blocks']): LiveFrame => ({ sentAt: 0, blocks, marks: [] });

describe('the Models view', () => {
  it('has the route #/models', () => {
    expect(parseRoute('#/models')).toEqual({ view: 'models' });
    expect(routeHash({ view: 'models' })).toBe('#/models');
  });

  it('keeps the newest minute of a model output stream, channel-major blocks split per output', () => {
    const key = 'sim/ecg.m';
    let points = addFrame([], frame([{ key, t0: 100, dt: 0.5, n: 2, channels: 2, data: Float32Array.of(0.1, 0.2, 0.9, 0.8), arrivedAt: 0 }]), key);
    expect(points).toEqual([
      { t: 100, values: [Float32Array.of(0.1)[0], Float32Array.of(0.9)[0]] },
      { t: 100.5, values: [Float32Array.of(0.2)[0], Float32Array.of(0.8)[0]] },
    ]);
    // Other streams are not its outputs; a frame without any leaves the points as they were.
    expect(addFrame(points, frame([{ key: 'sim/ecg', t0: 0, dt: 1, n: 1, channels: 1, data: Float32Array.of(1), arrivedAt: 0 }]), key)).toBe(points);
    points = addFrame(points, frame([{ key, t0: 100 + SERIES_SECONDS + 0.25, dt: 0, n: 1, channels: 2, data: Float32Array.of(0.5, 0.5), arrivedAt: 0 }]), key);
    expect(points.map((p) => p.t)).toEqual([100.5, 160.25]);
  });
});
