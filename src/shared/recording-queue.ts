import type { RecordingQueue } from './types';

const MB = 1024 * 1024;

/**
 * One line on the recorder's backlog, the same in the UI banner and on the CLI's stderr: what is
 * queued per stream, when the budget runs out (and what that costs), and what was dropped.
 */
export function describeQueue(queue: RecordingQueue): string {
  const queued = queue.streams
    .filter((s) => s.bytes > 0)
    .map((s) => `${s.key} ${s.seconds.toFixed(1)} s / ${formatBytes(s.bytes)}`)
    .join(', ');
  const dropped = queue.streams
    .filter((s) => s.droppedSamples > 0)
    .map((s) => `${s.key} ${s.droppedSamples}`)
    .join(', ');
  const budget = formatBytes(queue.budgetBytes);
  const parts: string[] = [];
  if (queued) parts.push(`queued in memory: ${queued}`);
  if (queue.secondsUntilFull === 0) parts.push(`the ${budget} queue is full: new samples are dropped until the library can be written`);
  else if (queue.secondsUntilFull !== null) {
    parts.push(`the ${budget} queue fills in about ${formatSeconds(queue.secondsUntilFull)}; after that new samples are dropped`);
  }
  if (dropped) parts.push(`samples dropped in this session: ${dropped} (each stretch is recorded as a gap event)`);
  return parts.join('; ');
}

function formatBytes(b: number): string {
  return b < MB ? `${(b / 1024).toFixed(1)} KB` : `${(b / MB).toFixed(1)} MB`;
}

function formatSeconds(s: number): string {
  return s >= 3600 ? `${(s / 3600).toFixed(1)} h` : s >= 60 ? `${(s / 60).toFixed(0)} min` : `${Math.max(1, Math.round(s))} s`;
}
