import { Library } from '../../src/main/storage/library';

export const BEAT_SESSION_START = 1_700_000_000;

/** Beat times (s) from a first beat at 1 s and the intervals between them (ms). */
export function beatTrain(intervalsMs: number[]): number[] {
  const t = [1];
  for (const ms of intervalsMs) t.push(+(t[t.length - 1] + ms / 1000).toFixed(6));
  return t;
}

/**
 * A finished session with an ECG stream `d/ecg` whose detected beats are `beats` (s from the
 * start) and gap events `gaps` (s from the start, with a stream key or session-wide), written
 * through the Library as the recorder does. No samples: beats and HRV need none.
 */
export function writeBeatSession(path: string, beats: number[], gaps: { t: number; duration: number; key?: string }[] = []): { library: Library; id: number } {
  const library = new Library(path);
  const id = library.createSession('beats', 'P1', BEAT_SESSION_START);
  const stream = library.addStream(id, null, { key: 'd/ecg', deviceId: 'd', name: 'ecg', kind: 'ecg', rate: 250, channels: [{ label: 'I', unit: 'mV' }] });
  library.write(
    id,
    [],
    [
      ...beats.map((t) => ({ streamId: stream, event: { kind: 'beat' as const, key: 'd/ecg', t: BEAT_SESSION_START + t, duration: 0, text: 'R' } })),
      ...gaps.map((g) => ({ streamId: g.key ? stream : null, event: { kind: 'gap' as const, t: BEAT_SESSION_START + g.t, duration: g.duration, text: 'lost' } })),
    ],
  );
  library.endSession(id, BEAT_SESSION_START + Math.ceil(beats[beats.length - 1] ?? 0) + 1);
  return { library, id };
}
