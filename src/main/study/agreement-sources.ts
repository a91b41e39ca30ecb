/**
 * The agreement bench's reads of the library: a session's candidate sources (every numeric
 * channel of its derived and irregular streams, and its streams' beats as RR intervals), named
 * as the CSV export names streams, each read as a series with its gaps as breaks; and the whole
 * comparison of two of them.
 */
import {
  AGREEMENT_PLOT_POINTS,
  DEFAULT_MAX_LAG_S,
  DEFAULT_TOLERANCE_MS,
  type AgreementRequest,
  type AgreementResult,
  type AgreementSource,
} from '../../shared/agreement';
import { currentBeats } from '../storage/corrected-beats';
import { fileNames } from '../storage/export-csv';
import type { Library, StoredSession, StoredStream } from '../storage/library';
import { protocolSteps, stepIntervals } from '../storage/protocol-steps';
import { sessionDetail, sessionOrThrow } from '../storage/review-queries';
import { compareSources, type Series } from './agreement';

/** The metrics streams' count of lost samples: bookkeeping, not a quantity to compare. */
const SKIPPED_CHANNELS = new Set(['lost']);
/** A channel of RR intervals (a strap's, a device's): its samples are beats too. */
const RR_CHANNEL = /^rr/i;
/** The channel a stream's bare name stands for. */
const DEFAULT_CHANNEL = /^hr$/i;
const BEATS = 'beats';

interface ResolvedSource {
  source: AgreementSource;
  stream: StoredStream;
  /** The channel index; -1 for a beat source. */
  channel: number;
}

/** Every source of the session, in its streams' order. */
export function agreementSources(library: Library, sessionId: number): AgreementSource[] {
  return resolvedSources(library, sessionOrThrow(library, sessionId)).map((r) => r.source);
}

function resolvedSources(library: Library, session: StoredSession): ResolvedSource[] {
  const names = fileNames(session.streams);
  return session.streams.flatMap((stream, k): ResolvedSource[] => {
    const name = names[k];
    const out: ResolvedSource[] = [];
    if (stream.derivedFrom !== null || stream.rate === 0) {
      const numeric = stream.channels.map((c, i) => ({ ...c, i })).filter((c) => !SKIPPED_CHANNELS.has(c.label));
      const fallback = numeric.find((c) => DEFAULT_CHANNEL.test(c.label)) ?? (numeric.length === 1 ? numeric[0] : undefined);
      for (const c of numeric) {
        const id = c === fallback ? name : `${name}:${c.label}`;
        out.push({ source: { id, streamKey: stream.key, channel: c.label, unit: c.unit, beats: RR_CHANNEL.test(c.label) }, stream, channel: c.i });
      }
    }
    if ((stream.kind === 'ecg' || stream.kind === 'ppg') && currentBeats(library, session.id, stream.key).t.length > 0) {
      out.push({ source: { id: `${name}:${BEATS}`, streamKey: stream.key, channel: BEATS, unit: 'ms', beats: true }, stream, channel: -1 });
    }
    return out;
  });
}

/** A source by its id (`NAME`, `NAME:CHANNEL`, any case for the channel) or the stream key in place of NAME; else an error listing the session's sources. */
function resolveSource(sources: readonly ResolvedSource[], session: StoredSession, given: string, flag: string): ResolvedSource {
  const exact = sources.find((s) => s.source.id === given);
  if (exact) return exact;
  const names = fileNames(session.streams);
  const colon = given.lastIndexOf(':');
  for (const [stream, channel] of colon > 0 ? [[given.slice(0, colon), given.slice(colon + 1)], [given, '']] : [[given, '']]) {
    const k = session.streams.findIndex((s, i) => names[i] === stream || s.key === stream);
    if (k < 0) continue;
    const found = sources.find((s) => s.stream === session.streams[k] && (channel ? s.source.channel.toLowerCase() === channel.toLowerCase() : s.source.id === names[k]));
    if (found) return found;
  }
  const list = sources.map((s) => `${s.source.id} (${s.source.unit || 'no unit'})`).join(', ');
  throw new Error(`session ${session.id} has no source "${given}" for ${flag} (its sources: ${list || 'none: it has no derived streams, irregular streams or beats'})`);
}

/** A source's samples, s from the session start, with a break (NaN) at each gap of its stream or the stream it derives from. */
function readSeries(library: Library, session: StoredSession, r: ResolvedSource): { series: Series; beats?: number[]; gaps: [number, number][] } {
  const origin = session.startedAt;
  const keys = new Set([r.stream.key, r.stream.derivedFrom ?? r.stream.key]);
  const spans = library
    .eventsBetween(session.id, ['gap'], 0, Number.MAX_VALUE)
    .filter((e) => e.key !== undefined && keys.has(e.key))
    .map((e): [number, number] => [e.t - origin, e.t - origin + e.duration]);
  const gaps = spans.map(([from]) => from);
  if (r.channel < 0) return { ...beatSeries(library, session, r.stream, gaps), gaps: spans };
  const t: number[] = [];
  const v: number[] = [];
  for (const c of library.chunks(r.stream.id)) {
    for (let i = 0; i < c.n; i++) {
      t.push(c.t0 + i * c.dt - origin);
      v.push(c.data[r.channel * c.n + i]);
    }
  }
  const series = withBreaks(t, v, gaps);
  if (!r.source.beats) return { series, gaps: spans };
  // An RR sample is stamped at the beat that ends it.
  return { series, beats: t.filter((_, i) => Number.isFinite(v[i])), gaps: spans };
}

/** RR intervals (ms) at each accepted beat whose predecessor is accepted too and no gap lies between them. */
function beatSeries(library: Library, session: StoredSession, stream: StoredStream, gaps: readonly number[]): { series: Series; beats: number[] } {
  const { t, rejected } = currentBeats(library, session.id, stream.key);
  const times: number[] = [];
  const rr: number[] = [];
  let g = 0;
  for (let i = 1; i < t.length; i++) {
    let crossesGap = false;
    while (g < gaps.length && gaps[g] < t[i]) crossesGap ||= gaps[g++] > t[i - 1];
    times.push(t[i]);
    rr.push(rejected[i] || rejected[i - 1] || crossesGap ? NaN : 1000 * (t[i] - t[i - 1]));
  }
  return { series: { t: times, v: rr }, beats: t.filter((_, i) => !rejected[i]) };
}

/** The samples with a NaN sample inserted at each gap time, so nothing is interpolated across a gap. */
function withBreaks(t: number[], v: number[], gaps: readonly number[]): Series {
  if (gaps.length === 0) return { t, v };
  const sorted = [...gaps].sort((x, y) => x - y);
  const ot: number[] = [];
  const ov: number[] = [];
  let g = 0;
  for (let i = 0; i < t.length; i++) {
    for (; g < sorted.length && sorted[g] < t[i]; g++) {
      ot.push(sorted[g]);
      ov.push(NaN);
    }
    ot.push(t[i]);
    ov.push(v[i]);
  }
  return { t: ot, v: ov };
}

/** The agreement of `request.a` (the reference) and `request.b` in a session: the report and the pairs for its plots. */
export function sessionAgreement(library: Library, sessionId: number, request: AgreementRequest): AgreementResult {
  const session = sessionOrThrow(library, sessionId);
  const sources = resolvedSources(library, session);
  const a = resolveSource(sources, session, request.a, 'A');
  const b = resolveSource(sources, session, request.b, 'B');
  if (a.source.unit !== b.source.unit) {
    throw new Error(`A (${a.source.id}, ${a.source.unit || 'no unit'}) and B (${b.source.id}, ${b.source.unit || 'no unit'}) are not the same quantity: choose two sources with the same unit`);
  }
  const toleranceMs = request.toleranceMs ?? DEFAULT_TOLERANCE_MS;
  const maxLag = request.maxLag ?? DEFAULT_MAX_LAG_S;
  const sa = readSeries(library, session, a);
  const sb = readSeries(library, session, b);
  const steps = request.byStep ? stepIntervals(protocolSteps(library, sessionId, session.startedAt), sessionDetail(library, sessionId).duration) : [];
  const c = compareSources({
    a: sa.series,
    b: sb.series,
    ...(sa.beats && sb.beats ? { beats: { a: sa.beats, b: sb.beats, toleranceMs, gaps: [...sa.gaps, ...sb.gaps] } } : {}),
    steps,
    ...(request.lag !== undefined ? { lag: request.lag } : {}),
    maxLag,
  });
  if (c.overall.n === 0) {
    throw new Error(`${a.source.id} and ${b.source.id} have no overlapping pairs in session ${sessionId} (lag ${c.lag} s): no whole second where both have a sample within 5 s`);
  }
  const stride = Math.max(1, Math.ceil(c.pairs.t.length / AGREEMENT_PLOT_POINTS));
  const thin = (xs: number[]) => xs.filter((_, i) => i % stride === 0);
  return {
    report: {
      sessionId,
      a: a.source,
      b: b.source,
      ...c.overall,
      lag_s: c.lag,
      lag_estimated_s: c.lagEstimated,
      lag_manual: request.lag !== undefined,
      ...(c.beats ? { beats: c.beats } : {}),
      steps: c.steps,
    },
    points: { t: thin(c.pairs.t), a: thin(c.pairs.a), b: thin(c.pairs.b) },
  };
}
