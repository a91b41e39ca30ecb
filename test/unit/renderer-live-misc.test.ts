import { describe, expect, it } from 'vitest';
import { formatDuration, lossPercent } from '../../src/renderer/src/format';
import { LiveStore } from '../../src/renderer/src/live/live-store';
import { shortcutFor, type KeyLike } from '../../src/renderer/src/shortcuts';

const key = (k: string, extra: Partial<KeyLike> = {}): KeyLike => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  repeat: false,
  targetTag: 'BODY',
  targetEditable: false,
  ...extra,
});

describe('shortcuts', () => {
  it('maps Space, R and M outside text fields only', () => {
    expect(shortcutFor(key(' '))).toBe('pause');
    expect(shortcutFor(key('r'))).toBe('record');
    expect(shortcutFor(key('M'))).toBe('marker');
    expect(shortcutFor(key('r', { targetTag: 'INPUT' }))).toBeNull();
    expect(shortcutFor(key('m', { targetEditable: true }))).toBeNull();
    expect(shortcutFor(key('r', { ctrlKey: true }))).toBeNull();
    expect(shortcutFor(key(' ', { targetTag: 'BUTTON' }))).toBeNull();
    expect(shortcutFor(key('x'))).toBeNull();
  });
});

describe('LiveStore', () => {
  it('buffers blocks per stream, stamps the newest arrival and follows the engine clock', () => {
    const store = new LiveStore();
    store.setStreams([{ key: 'd/ecg', deviceId: 'd', name: 'ecg', kind: 'ecg', rate: 250, channels: [{ label: 'I', unit: 'uV' }] }]);
    let calls = 0;
    store.onData(() => calls++);
    expect(store.streaming).toBe(false);
    store.push({ sentAt: Date.now() - 5, blocks: [{ key: 'd/ecg', t0: 10, dt: 0.004, n: 3, channels: 1, data: Float32Array.from([1, 2, 3]), arrivedAt: 10_020 }], marks: [] });
    expect(calls).toBe(1);
    expect(store.streaming).toBe(true);
    expect(store.buffer('d/ecg')?.length).toBe(3);
    expect(store.newestTime).toBeCloseTo(10.008);
    expect(store.newestStamp).toBe(10_020);
    // The engine's clock is read through the fastest transit seen: ~5 ms behind the browser here (less a rounding of epoch seconds in floating point).
    expect(Date.now() / 1000 - store.engineNow()).toBeGreaterThanOrEqual(0.004 - 1e-6);
    const frozen = store.snapshot();
    store.push({ sentAt: Date.now(), blocks: [{ key: 'd/ecg', t0: 10.012, dt: 0.004, n: 1, channels: 1, data: Float32Array.from([4]), arrivedAt: 20_000 }], marks: [] });
    expect(store.newestStamp).toBe(20_000);
    expect(Math.abs(Date.now() / 1000 - store.engineNow())).toBeLessThan(0.002);
    expect(frozen.buffer('d/ecg')?.length).toBe(3);
    expect(store.buffer('d/ecg')?.length).toBe(4);
    store.setStreams([]);
    expect(store.buffer('d/ecg')).toBeUndefined();
  });
});

describe('format', () => {
  it('formats durations and loss', () => {
    expect(formatDuration(65_000)).toBe('1:05');
    expect(formatDuration(3_725_000)).toBe('1:02:05');
    expect(lossPercent(99, 1)).toBeCloseTo(1);
    expect(lossPercent(0, 0)).toBe(0);
  });
});
