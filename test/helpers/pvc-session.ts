import type { Library } from '../../src/main/storage';

export const PVC_START = 1_700_000_000;
const RATE = 360;

export interface PvcSession {
  sessionId: number;
  /** Beat times, s from the start: normal ones, and premature wide ones (every 7th beat) apart. */
  normal: number[];
  premature: number[];
}

/**
 * A finished session with one ECG stream `sim/ecg` (360 Hz, µV), written through the Library:
 * narrow upright beats every ~0.8 s, and every 7th beat premature (0.5 s after the one before,
 * then a compensatory pause), wide and inverted, as a ventricular ectopic beat looks. One second
 * (60-61 s) is lost: a gap event, no samples. With `liveModel`, also what a live model `<model>`
 * attached to it records: the derived stream `ecg.<model>` of p(N), p(V) at each beat, and a
 * marker `<model>: V` on the ECG at each premature beat, as live-model.ts writes them.
 */
export function writePvcSession(library: Library, seconds = 120, liveModel?: string): PvcSession {
  const id = library.createSession('pvc fixture', 'P-PVC', PVC_START);
  const device = library.addDevice(id, { key: 'sim', label: 'Simulated board', transport: 'sim', descriptor: {} });
  const ecg = library.addStream(id, device, { key: 'sim/ecg', deviceId: 'sim', name: 'ecg', kind: 'ecg', rate: RATE, channels: [{ label: 'Lead I', unit: 'uV' }] });
  const normal: number[] = [];
  const premature: number[] = [];
  for (let t = 0.6, k = 1; t < seconds - 0.6; k++) {
    const early = k % 7 === 0;
    if (t < 59.5 || t >= 61.5) (early ? premature : normal).push(Number(t.toFixed(4)));
    t += early ? 1.1 : k % 7 === 6 ? 0.5 : 0.8 + 0.03 * Math.sin(k * 1.3);
  }
  const all = [...normal.map((t) => ({ t, wide: false })), ...premature.map((t) => ({ t, wide: true }))].sort((a, b) => a.t - b.t);
  const value = (t: number): number => {
    let v = 60 * Math.sin(2 * Math.PI * 0.2 * t);
    for (const b of all) {
      const d = t - b.t;
      if (d < -0.3 || d > 0.6) continue;
      v += b.wide
        ? -1400 * Math.exp(-((d / 0.035) ** 2)) + 350 * Math.exp(-(((d - 0.28) / 0.07) ** 2))
        : 1100 * Math.exp(-((d / 0.011) ** 2)) - 150 * Math.exp(-(((d - 0.03) / 0.01) ** 2)) + 220 * Math.exp(-(((d - 0.3) / 0.05) ** 2));
    }
    return v;
  };
  const chunks: Parameters<Library['write']>[1] = [];
  for (let s = 0; s < seconds; s++) {
    if (s === 60) continue;
    chunks.push({ streamId: ecg, chunk: { key: 'sim/ecg', index: s * RATE, t0: PVC_START + s, dt: 1 / RATE, n: RATE, data: Float32Array.from({ length: RATE }, (_, i) => value(s + i / RATE)) } });
  }
  const events: Parameters<Library['write']>[2] = [{ streamId: ecg, event: { kind: 'gap', key: 'sim/ecg', t: PVC_START + 60, duration: 1, text: `1 s lost (${RATE} samples)` } }];
  if (liveModel) {
    const name = `ecg.${liveModel}`;
    const out = library.addStream(id, device, { key: `sim/${name}`, deviceId: 'sim', name, kind: 'other', rate: 0, channels: [{ label: 'p(N)', unit: '' }, { label: 'p(V)', unit: '' }], derivedFrom: 'sim/ecg' });
    all.forEach((b, index) => {
      const pv = b.wide ? 0.9 : 0.05;
      chunks.push({ streamId: out, chunk: { key: `sim/${name}`, index, t0: PVC_START + b.t, dt: 0, n: 1, data: Float32Array.of(1 - pv, pv) } });
      if (b.wide) events.push({ streamId: ecg, event: { kind: 'marker', key: 'sim/ecg', t: PVC_START + b.t, duration: 0, text: `${liveModel}: V` } });
    });
  }
  library.write(id, chunks, events);
  library.endSession(id, PVC_START + seconds);
  return { sessionId: id, normal, premature };
}
