import type { Chunk, ChunkClock } from '../../shared/types';

/**
 * Groups chunks by stream and splits each stream's chunks into runs that follow on each other:
 * the next sample index, a start time within half a sample of where the run's first chunk
 * predicts, and the same channel count and sample type. Order within a stream is kept.
 * Checking against the run's start (not the previous chunk) bounds how far a stored or drawn
 * sample time can move from the clock model's time for it: half a sample, however long the run.
 */
export function contiguousRuns(chunks: Chunk[]): Chunk[][] {
  const byStream = new Map<string, Chunk[]>();
  for (const c of chunks) {
    const list = byStream.get(c.key);
    if (list) list.push(c);
    else byStream.set(c.key, [c]);
  }
  const runs: Chunk[][] = [];
  for (const list of byStream.values()) {
    let start = 0;
    for (let i = 1; i <= list.length; i++) {
      if (i < list.length && follows(list[start], list[i - 1], list[i])) continue;
      runs.push(list.slice(start, i));
      start = i;
    }
  }
  return runs;
}

function follows(first: Chunk, a: Chunk, b: Chunk): boolean {
  return (
    b.index === a.index + a.n &&
    Math.abs(b.t0 - (first.t0 + (b.index - first.index) * first.dt)) < first.dt / 2 &&
    a.data.constructor === b.data.constructor &&
    a.data.length / a.n === b.data.length / b.n
  );
}

/** One chunk holding a run's samples, channel-major, in `ArrayType` (default: the run's own type). */
export function concatRun(run: Chunk[], ArrayType?: Float32ArrayConstructor | Float64ArrayConstructor): Chunk {
  const first = run[0];
  const Type = ArrayType ?? (first.data instanceof Float64Array ? Float64Array : Float32Array);
  if (run.length === 1 && first.data instanceof Type) return first;
  const channels = first.data.length / first.n;
  const n = run.reduce((sum, c) => sum + c.n, 0);
  const data = new Type(n * channels);
  let at = 0;
  for (const c of run) {
    for (let ch = 0; ch < channels; ch++) data.set(c.data.subarray(ch * c.n, ch * c.n + c.n), ch * n + at);
    at += c.n;
  }
  const clock = mergedClock(run);
  return { key: first.key, index: first.index, t0: first.t0, dt: first.dt, n, data, ...(clock ? { clock } : {}) };
}

/** The first chunk's clock record, with the run's best pairing (lowest arrival - device time): the one the lower envelope keeps. */
function mergedClock(run: Chunk[]): ChunkClock | undefined {
  const first = run[0].clock;
  if (!first) return undefined;
  let best = first;
  for (const c of run) if (c.clock && c.clock.arrival - c.clock.obsDev < best.arrival - best.obsDev) best = c.clock;
  return { ...first, obsDev: best.obsDev, arrival: best.arrival };
}
