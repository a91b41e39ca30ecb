/**
 * Where each stored sample goes in EDF data records. Pure.
 *
 * Records come in blocks: a block starts where data starts and its records follow each other;
 * a new block (an EDF+D discontinuity, with its own time-keeping TAL) starts where every stream
 * has been silent past the end of the last record. Within a block a stream's run of consecutive
 * samples sits at the slot of its first sample's time and continues at the nominal rate; slots
 * no sample reaches (a stream lost packets while another went on, or had not started yet) hold
 * "no value". A run never overwrites the one before it: after clock drift it moves up instead.
 */

/** Consecutive samples of one stream (no sample lost between them). */
export interface SampleRun {
  /** Host time of the first sample, seconds. */
  t: number;
  n: number;
}

export interface LayoutStream {
  rate: number;
  samplesPerRecord: number;
  /** In time order. */
  runs: readonly SampleRun[];
}

export interface Placement {
  stream: number;
  /** First slot of the run in the block (slot k of a stream is at block start + k / rate). */
  slot: number;
  n: number;
}

export interface RecordBlock {
  /** Host time of the block's first record. */
  start: number;
  records: number;
  /** Each stream's placements in the order of its runs. */
  placements: Placement[];
}

export function layoutRecords(streams: readonly LayoutStream[], duration: number): RecordBlock[] {
  const runs = streams.flatMap((s, stream) => s.runs.map((run) => ({ ...run, stream }))).sort((x, y) => x.t - y.t || x.stream - y.stream);
  const blocks: RecordBlock[] = [];
  let block: RecordBlock | null = null;
  let ends: number[] = [];
  for (const run of runs) {
    if (run.n === 0) continue;
    if (!block || run.t >= block.start + block.records * duration) {
      block = { start: run.t, records: 0, placements: [] };
      blocks.push(block);
      ends = streams.map(() => 0);
    }
    const s = streams[run.stream];
    const slot = Math.max(Math.round((run.t - block.start) * s.rate), ends[run.stream]);
    block.placements.push({ stream: run.stream, slot, n: run.n });
    ends[run.stream] = slot + run.n;
    block.records = Math.max(block.records, Math.ceil(ends[run.stream] / s.samplesPerRecord));
  }
  return blocks;
}
