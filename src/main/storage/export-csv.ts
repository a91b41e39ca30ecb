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
 * session start. Streams are read chunk by chunk, so memory stays flat for long sessions.
 */
export function exportSessionCsv(library: Library, sessionId: number, dir: string, onProgress?: (p: ExportProgress) => void): string[] {
  const session = library.session(sessionId);
  if (!session) throw new Error(`no session ${sessionId} in ${library.path}`);
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const origin = session.startedAt;
  for (const stream of session.streams) {
    const file = join(dir, `${safeName(stream.name)}.csv`);
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

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}
