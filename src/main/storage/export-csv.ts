import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { EVENTS_HEADER, eventRow, samplesHeader, samplesRows } from '../formats/csv';
import type { Library } from './library';

export interface ExportProgress {
  stream: string;
  samplesWritten: number;
  samplesTotal: number;
}

/**
 * Writes one `<stream>.csv` per stream and `events.csv` into `dir`, time in seconds from the
 * session start. When several devices have a stream of the same name, the file names carry the
 * device too (`<device>_<stream>.csv`). Streams are read chunk by chunk, so memory stays flat.
 */
export function exportSessionCsv(library: Library, sessionId: number, dir: string, onProgress?: (p: ExportProgress) => void): string[] {
  const session = library.session(sessionId);
  if (!session) throw new Error(`no session ${sessionId} in ${library.path}`);
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const origin = session.startedAt;
  const names = fileNames(session.streams);
  for (const [i, stream] of session.streams.entries()) {
    const file = join(dir, `${names[i]}.csv`);
    withFile(file, (write) => {
      write(samplesHeader(stream.channels));
      let written = 0;
      for (const chunk of library.chunks(stream.id)) {
        write(samplesRows(chunk.t0, chunk.dt, chunk.n, chunk.data, origin));
        written += chunk.n;
        onProgress?.({ stream: stream.name, samplesWritten: written, samplesTotal: stream.samples });
      }
    });
    files.push(file);
  }
  const eventsFile = join(dir, 'events.csv');
  withFile(eventsFile, (write) => {
    write(EVENTS_HEADER);
    for (const e of library.events(sessionId)) {
      const text = e.stream ? `${e.stream}: ${e.text}` : e.text;
      write(eventRow(e.t, e.duration, e.kind, text, origin));
    }
  });
  files.push(eventsFile);
  return files;
}

function withFile(path: string, body: (write: (text: string) => void) => void): void {
  const fd = openSync(path, 'w');
  try {
    body((text) => writeSync(fd, text));
  } finally {
    closeSync(fd);
  }
}

/** File names (without .csv) per stream: the stream name, prefixed by its device where names repeat. */
export function fileNames(streams: readonly { key: string; name: string }[]): string[] {
  const count = new Map<string, number>();
  for (const s of streams) count.set(s.name, (count.get(s.name) ?? 0) + 1);
  const used = new Set<string>(['events']);
  return streams.map((s) => {
    const device = s.key.endsWith(`/${s.name}`) ? s.key.slice(0, -s.name.length - 1) : s.key;
    const stem = count.get(s.name)! > 1 || s.name === 'events' ? `${deviceName(device)}_${safeName(s.name)}` : safeName(s.name);
    let base = stem;
    for (let n = 2; used.has(base); n++) base = `${stem}_${n}`;
    used.add(base);
    return base;
  });
}

/** A short name for a device id: `serial:/dev/ttyACM0` -> `ttyACM0`, `serial:/tmp/x/board-a` -> `board-a`. */
function deviceName(id: string): string {
  const path = id.replace(/^serial:/, '');
  return safeName(path.split('/').filter(Boolean).pop() ?? path) || 'device';
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}
