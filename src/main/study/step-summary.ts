/**
 * A recorded session summarised per protocol step, from what is stored: HR from every source
 * (the ECG's and PPG's `.metrics`, any other stream with an HR channel such as a chest strap's),
 * SpO2, footsteps and cadence, how much of the step each HR source had a trusted value for, and
 * the samples lost in gaps. A session without protocol steps is one row, the whole session.
 */
import { WHOLE_SESSION, type RangeStats, type StepRow, type StepSummary } from '../../shared/step-summary';
import type { Library, StoredSession, StoredStream } from '../storage/library';
import { protocolSteps, stepIntervals, type StepInterval } from '../storage/protocol-steps';
import { samplesIn, sessionDetail, sessionOrThrow } from '../storage/review-queries';

/** A stream's channel read as one quantity of the summary. */
interface Series {
  source: string;
  stream: StoredStream;
  channel: number;
}

const METRICS_SUFFIX = /\.metrics$/;

function channelIndex(stream: StoredStream, test: (label: string, unit: string) => boolean): number {
  return stream.channels.findIndex((c) => test(c.label.toLowerCase(), c.unit.toLowerCase()));
}

/** Every HR channel of the session, named by source (`ecg`, `ppg` for the metrics of those streams, else the stream's name; its key when two devices share it), in name order. */
function hrSeries(session: StoredSession): Series[] {
  const found = session.streams.flatMap((stream) => {
    const channel = channelIndex(stream, (label, unit) => label === 'hr' || (unit === 'bpm' && label.includes('hr')));
    return channel < 0 ? [] : [{ stream, channel, name: stream.name.replace(METRICS_SUFFIX, '') }];
  });
  return found.map(({ stream, channel, name }) => ({
    source: found.filter((f) => f.name === name).length > 1 ? stream.key.replace(METRICS_SUFFIX, '') : name,
    stream,
    channel,
  })).sort((x, y) => x.source.localeCompare(y.source));
}

/** The finite values of one channel within [a, b) (host time), and how many values the stream has there. */
function valuesIn(library: Library, series: Series, a: number, b: number): { values: number[]; total: number } {
  const values: number[] = [];
  let total = 0;
  for (const c of library.chunksBetween(series.stream.id, a, b)) {
    const [i0, i1] = samplesIn(c, a, b);
    total += i1 - i0;
    for (let i = i0; i < i1; i++) {
      const v = c.data[series.channel * c.n + i];
      if (Number.isFinite(v)) values.push(v);
    }
  }
  return { values, total };
}

export function rangeStats(values: readonly number[]): RangeStats {
  if (values.length === 0) return { mean: null, min: null, max: null, n: 0 };
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { mean: sum / values.length, min, max, n: values.length };
}

/** Samples lost in gaps of the raw streams that start in [a, b) (host time). */
function lostSamples(library: Library, sessionId: number, a: number, b: number): number {
  const row = library.db
    .prepare(
      `SELECT COALESCE(SUM(e.lost), 0) AS lost FROM events e JOIN streams s ON s.id = e.stream_id
       WHERE e.session_id = ? AND e.kind = 'gap' AND e.t >= ? AND e.t < ? AND s.derived_from IS NULL`,
    )
    .get(sessionId, a, b) as { lost: number };
  return row.lost;
}

export function stepSummary(library: Library, sessionId: number): StepSummary {
  const session = sessionOrThrow(library, sessionId);
  const { duration } = sessionDetail(library, sessionId);
  const steps = protocolSteps(library, sessionId, session.startedAt);
  const intervals: StepInterval[] = steps.length > 0 ? stepIntervals(steps, duration) : [{ name: WHOLE_SESSION, start: 0, end: duration }];
  const hr = hrSeries(session);
  const spo2Stream = session.streams.find((s) => s.derivedFrom && channelIndex(s, (label) => label === 'spo2') >= 0);
  const spo2: Series | null = spo2Stream ? { source: 'spo2', stream: spo2Stream, channel: channelIndex(spo2Stream, (label) => label === 'spo2') } : null;
  const imu = session.streams.find((s) => s.kind === 'imu' && !s.derivedFrom);
  const footsteps = imu ? library.markTimes(imu.id) : null;
  const origin = session.startedAt;
  const rows = intervals.map(({ name, start, end }): StepRow => {
    const a = origin + start;
    const b = origin + end;
    const length = end - start;
    const row: StepRow = { name, start_s: start, end_s: end, duration_s: length, hr: {}, spo2: null, steps: null, quality: {}, lost_samples: lostSamples(library, sessionId, a, b) };
    for (const series of hr) {
      const { values, total } = valuesIn(library, series, a, b);
      row.hr[series.source] = rangeStats(values);
      // Values the stream should have had in the step: gaps count against it, as do the poor windows it left empty.
      const expected = series.stream.rate > 0 ? Math.max(total, Math.floor(length * series.stream.rate)) : total;
      row.quality[series.source] = expected > 0 ? (100 * values.length) / expected : 0;
    }
    if (spo2) row.spo2 = rangeStats(valuesIn(library, spo2, a, b).values);
    if (footsteps) {
      const count = footsteps.filter((t) => t >= a && t < b).length;
      row.steps = { count, cadence_spm: length > 0 ? (count * 60) / length : 0 };
    }
    return row;
  });
  return { session: sessionId, steps: rows };
}
