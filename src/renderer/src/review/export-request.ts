import type { ExportFormat, ExportRange, ExportRequest } from '../../../shared/types';

/** The part of a session the export dialog offers: all of it, typed seconds, or the review's view or selection. */
export type RangeChoice = { kind: 'whole' } | { kind: 'custom'; from: string; to: string } | { kind: 'view' | 'selection'; t0: number; t1: number };

export interface ExportChoice {
  format: ExportFormat;
  range: RangeChoice;
  /** The keys of the streams ticked. */
  streams: readonly string[];
  /** Every stream of the session, in its order. */
  allStreams: readonly string[];
  /** Seconds from the start to the last sample. */
  duration: number;
}

/** Seconds to a millisecond: what a review's window is shown to, and what a folder name can carry. */
const ms = (t: number): number => Math.round(t * 1000) / 1000;

/** A typed time: empty is an open end; anything else must be a number of seconds within the session. */
function typedSeconds(text: string, name: string, duration: number): number | undefined {
  if (text.trim() === '') return undefined;
  const v = Number(text);
  if (!Number.isFinite(v)) throw new Error(`${name}: "${text}" is not a number of seconds`);
  if (v < 0 || v > duration) throw new Error(`${name}: ${v} s is outside the session (0 to ${ms(duration)} s)`);
  return v;
}

function rangeOf(choice: RangeChoice, duration: number): ExportRange | undefined {
  if (choice.kind === 'whole') return undefined;
  if (choice.kind === 'custom') {
    const from = typedSeconds(choice.from, 'From', duration);
    const to = typedSeconds(choice.to, 'To', duration);
    if (from !== undefined && to !== undefined && !(to > from)) throw new Error(`To (${to} s) must be after From (${from} s)`);
    if (from === undefined && to === undefined) return undefined;
    return { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
  }
  const from = ms(Math.max(0, Math.min(choice.t0, choice.t1)));
  const to = ms(Math.min(duration, Math.max(choice.t0, choice.t1)));
  if (!(to > from)) throw new Error(`the ${choice.kind === 'view' ? 'view' : 'selection'} holds no time of the session`);
  // The whole session asked for by its view: the plain export, not a range of it.
  return from <= 0 && to >= ms(duration) ? undefined : { from, to };
}

/** What the dialog's choices ask the engine for; throws, saying what to change, for a choice that cannot be exported. */
export function exportRequest(choice: ExportChoice): ExportRequest {
  if (choice.streams.length === 0) throw new Error('Choose at least one stream');
  const range = rangeOf(choice.range, choice.duration);
  const all = choice.allStreams.every((k) => choice.streams.includes(k));
  return {
    format: choice.format,
    ...(range ? { range } : {}),
    // Every stream ticked is the plain export (its own folder name), not a choice of them.
    ...(all ? {} : { streams: choice.allStreams.filter((k) => choice.streams.includes(k)) }),
  };
}
