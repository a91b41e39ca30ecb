import type { Library } from '../../src/main/storage';

export interface SyntheticSessionOptions {
  seconds: number;
  rate: number;
  channels: number;
  /** Samples per chunk, as a board's packets give them. */
  chunkSamples?: number;
  name?: string;
}

/**
 * A finished session of one `ecg`-kind stream written straight through the Library (the
 * recorder's own write path), quickly: hours of data in seconds. Values are deterministic sines
 * with fractions, so the CSV formatting is exercised; a marker and a gap go into events.
 */
export function writeSyntheticSession(library: Library, options: SyntheticSessionOptions): { sessionId: number; samples: number } {
  const { seconds, rate, channels, chunkSamples = 200 } = options;
  const startedAt = 1_700_000_000;
  const sessionId = library.createSession(options.name ?? `synthetic ${seconds} s`, 'P-SYN', startedAt);
  const deviceRow = library.addDevice(sessionId, { key: 'sim', label: 'Synthetic board', transport: 'sim', descriptor: {} });
  const streamId = library.addStream(sessionId, deviceRow, {
    key: 'sim/ecg16',
    deviceId: 'sim',
    name: 'ecg16',
    kind: 'ecg',
    rate,
    channels: Array.from({ length: channels }, (_, c) => ({ label: `ch${c + 1}`, unit: 'uV' })),
  });
  const total = Math.round(seconds * rate);
  const batch: Parameters<Library['write']>[1] = [];
  for (let index = 0; index < total; index += chunkSamples) {
    const n = Math.min(chunkSamples, total - index);
    const data = new Float32Array(n * channels);
    for (let c = 0; c < channels; c++) {
      for (let i = 0; i < n; i++) data[c * n + i] = 1000 * Math.sin((2 * Math.PI * (index + i)) / (rate * (1 + c / 8))) + c / 3;
    }
    batch.push({ streamId, chunk: { key: 'sim/ecg16', index, t0: startedAt + index / rate, dt: 1 / rate, n, data } });
    if (batch.length === 500) library.write(sessionId, batch.splice(0), []);
  }
  library.write(sessionId, batch, [
    { streamId: null, event: { t: startedAt + 1, duration: 0, kind: 'marker', text: 'start, "quoted"' } },
    { streamId, event: { t: startedAt + seconds / 2, duration: 0.04, kind: 'gap', text: '2 packets lost' } },
  ]);
  library.endSession(sessionId, startedAt + seconds);
  return { sessionId, samples: total };
}
