import type { Library } from '../../src/main/storage';

export const REVIEW_START = 1_700_000_000;

/**
 * A session for the review view, written through the Library: 2 minutes of an ECG (250 Hz, a
 * sharp R wave at every beat) and a PPG (100 Hz, 2 channels), a 1 Hz heart rate derived from the
 * ECG, the ECG's beats as events, a lost second of ECG at 60-61 s (a gap, no beats in it) and a
 * marker at 10 s. RR intervals vary deterministically (0.75-0.85 s), so HRV is not zero.
 */
export function writeReviewSession(library: Library, seconds = 120): { sessionId: number; beats: number[] } {
  const id = library.createSession('review fixture', 'P-REV', REVIEW_START);
  const device = library.addDevice(id, { key: 'sim', label: 'Simulated board', transport: 'sim', descriptor: {} });
  const ecg = library.addStream(id, device, { key: 'sim/ecg', deviceId: 'sim', name: 'ecg', kind: 'ecg', rate: 250, channels: [{ label: 'Lead I', unit: 'uV' }] });
  const ppg = library.addStream(id, device, {
    key: 'sim/ppg',
    deviceId: 'sim',
    name: 'ppg',
    kind: 'ppg',
    rate: 100,
    channels: [
      { label: 'red', unit: 'au' },
      { label: 'ir', unit: 'au' },
    ],
  });
  const hr = library.addStream(id, device, { key: 'sim/hr', deviceId: 'sim', name: 'hr', kind: 'ecg', rate: 1, channels: [{ label: 'HR', unit: 'bpm' }], derivedFrom: 'sim/ecg' });

  const beats: number[] = [];
  for (let t = 0.4, k = 0; t < seconds - 0.2; k++) {
    if (t < 60 || t >= 61) beats.push(Number(t.toFixed(4)));
    t += 0.8 + 0.05 * Math.sin(k * 1.7);
  }
  const nearestBeatDistance = (t: number): number => {
    let best = Infinity;
    for (const b of beats) best = Math.min(best, Math.abs(b - t));
    return best;
  };

  const chunks: Parameters<Library['write']>[1] = [];
  const stream = (streamId: number, key: string, rate: number, channels: number, value: (t: number, c: number) => number, skip?: (second: number) => boolean): void => {
    for (let s = 0; s < seconds; s++) {
      if (skip?.(s)) continue;
      const data = new Float32Array(rate * channels);
      for (let c = 0; c < channels; c++) for (let i = 0; i < rate; i++) data[c * rate + i] = value(s + i / rate, c);
      chunks.push({ streamId, chunk: { key, index: s * rate, t0: REVIEW_START + s, dt: 1 / rate, n: rate, data } });
    }
  };
  stream(ecg, 'sim/ecg', 250, 1, (t) => 1000 * Math.exp(-((nearestBeatDistance(t) / 0.012) ** 2)) + 80 * Math.sin(2 * Math.PI * 0.25 * t), (s) => s === 60);
  stream(ppg, 'sim/ppg', 100, 2, (t, c) => (c + 1) * 5000 + 400 * Math.sin(2 * Math.PI * 1.25 * t + c));
  stream(hr, 'sim/hr', 1, 1, (t) => 75 + 3 * Math.sin(t / 10), (s) => s === 60);
  library.write(id, chunks, [
    { streamId: null, event: { kind: 'marker', t: REVIEW_START + 10, duration: 0, text: 'stand up' } },
    { streamId: ecg, event: { kind: 'gap', key: 'sim/ecg', t: REVIEW_START + 60, duration: 1, text: '5 packets lost (250 samples)' } },
    ...beats.map((t) => ({ streamId: ecg, event: { kind: 'beat' as const, key: 'sim/ecg', t: REVIEW_START + t, duration: 0, text: 'R' } })),
  ]);
  library.endSession(id, REVIEW_START + seconds);
  return { sessionId: id, beats };
}
