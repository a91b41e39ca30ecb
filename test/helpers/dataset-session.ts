import type { Library } from '../../src/main/storage';
import { writeCorrectedBeats } from '../../src/main/storage/corrected-beats';

export const DATASET_START = 1_700_000_000;

export interface DatasetSessionOptions {
  participant: string;
  seconds: number;
  /** ECG rate, Hz (one channel `MLII`); sample i has value i (exact in float32 up to 2^24), so a window's contents say where it came from. */
  rate?: number;
  /** Samples [from, to) of the ECG lost (a jump in the sample index, as lost packets leave). */
  lost?: [number, number];
  /** Corrected beats (s from the start) with classes. */
  beats?: { t: number; class: string | null; rejected?: boolean }[];
  labels?: { t: number; duration: number; text: string }[];
  markers?: { t: number; text: string }[];
  steps?: { t: number; duration: number; text: string }[];
  /** A 3-axis accelerometer stream at 50 Hz: still (1 g on z) or shaking. */
  imu?: 'still' | 'shaking';
}

/** A finished session of an `ecg` stream (and optionally an `acc` one) written through the Library as the recorder does. */
export function writeDatasetSession(library: Library, o: DatasetSessionOptions): number {
  const rate = o.rate ?? 250;
  const id = library.createSession(`dataset ${o.participant}`, o.participant, DATASET_START);
  const device = library.addDevice(id, { key: 'b', label: 'Test board', transport: 'sim', descriptor: { device: { name: 'Test board', firmware: '1.2.3' } } });
  const ecg = library.addStream(id, device, { key: 'b/ecg', deviceId: 'b', name: 'ecg', kind: 'ecg', rate, channels: [{ label: 'MLII', unit: 'mV' }] });
  const chunks: Parameters<Library['write']>[1] = [];
  const total = Math.round(o.seconds * rate);
  for (let index = 0; index < total; index += 50) {
    const n = Math.min(50, total - index);
    if (o.lost && index + n > o.lost[0] && index < o.lost[1]) continue;
    chunks.push({ streamId: ecg, chunk: { key: 'b/ecg', index, t0: DATASET_START + index / rate, dt: 1 / rate, n, data: Float32Array.from({ length: n }, (_, i) => index + i) } });
  }
  if (o.imu) {
    const acc = library.addStream(id, device, { key: 'b/acc', deviceId: 'b', name: 'acc', kind: 'imu', rate: 50, channels: ['x', 'y', 'z'].map((a) => ({ label: a, unit: 'g' })) });
    for (let index = 0; index < o.seconds * 50; index += 50) {
      const data = new Float32Array(150);
      for (let i = 0; i < 50; i++) data[100 + i] = 1 + (o.imu === 'shaking' ? 0.5 * Math.sin(i) : 0);
      chunks.push({ streamId: acc, chunk: { key: 'b/acc', index, t0: DATASET_START + index / 50, dt: 1 / 50, n: 50, data } });
    }
  }
  const at = (t: number) => DATASET_START + t;
  library.write(id, chunks, [
    ...(o.labels ?? []).map((l) => ({ streamId: null, event: { kind: 'label' as const, t: at(l.t), duration: l.duration, text: l.text } })),
    ...(o.markers ?? []).map((m) => ({ streamId: null, event: { kind: 'marker' as const, t: at(m.t), duration: 0, text: m.text } })),
    ...(o.steps ?? []).map((s) => ({ streamId: null, event: { kind: 'step' as const, t: at(s.t), duration: s.duration, text: s.text } })),
  ]);
  if (o.beats) writeCorrectedBeats(library, ecg, { t: o.beats.map((b) => b.t), rejected: o.beats.map((b) => b.rejected ?? false), classes: o.beats.map((b) => b.class) });
  library.endSession(id, DATASET_START + o.seconds, true, false);
  return id;
}
