/**
 * A track's vertical scale: 'auto' gives its channels of one unit one scale (units per pixel, the
 * widest such channel's span over the visible window, so amplitudes compare) around each channel's own centre
 * (so offsets do not push traces out of their lanes), 'per-channel' fits each channel on its own, 'fixed' keeps the range it had when
 * chosen while the window moves. A gain (↑/↓) magnifies around the range's centre. Pure.
 */
import type { TrackData } from '../../../shared/review';

export type AmplitudeMode = 'auto' | 'per-channel' | 'fixed';

export interface Range {
  min: number;
  max: number;
}

/** Min and max of a channel over the data, or null when it has none. */
export function channelExtent(track: TrackData, channel: number): Range | null {
  const lists = track.mode === 'minmax' ? [track.min[channel] ?? [], track.max[channel] ?? []] : [track.values[channel] ?? []];
  let min = Infinity;
  let max = -Infinity;
  for (const list of lists) {
    for (const v of list) {
      if (v === null) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return min <= max ? { min, max } : null;
}

/** A flat line still gets a visible range; 5 % headroom above and below. */
function padded(r: Range): Range {
  const span = r.max - r.min;
  const pad = span > 0 ? span * 0.05 : Math.max(Math.abs(r.max) * 0.1, 1);
  return { min: r.min - pad, max: r.max + pad };
}

/** Divide the range by `gain` around its centre (gain 2: traces twice as tall). */
export function withGain(r: Range, gain: number): Range {
  const c = (r.min + r.max) / 2;
  const half = (r.max - r.min) / 2 / gain;
  return { min: c - half, max: c + half };
}

/**
 * The range of each shown channel (`units`: each track channel's unit, indexed like the track's
 * channels); `fixed` holds the ranges 'fixed' mode froze (see freezeRanges).
 */
export function laneRanges(
  track: TrackData | null,
  channels: readonly number[],
  units: readonly string[],
  mode: AmplitudeMode,
  gain: number,
  fixed: readonly (Range | null)[] | null,
): (Range | null)[] {
  if (mode === 'fixed' && fixed) return channels.map((_, i) => (fixed[i] ? withGain(fixed[i], gain) : null));
  if (!track) return channels.map(() => null);
  const extents = channels.map((c) => channelExtent(track, c));
  if (mode === 'per-channel') return extents.map((r) => (r ? withGain(padded(r), gain) : null));
  const widest = new Map<string, number>();
  extents.forEach((r, i) => {
    const unit = units[channels[i]] ?? '';
    if (r) widest.set(unit, Math.max(widest.get(unit) ?? 0, r.max - r.min));
  });
  return extents.map((r, i) => {
    if (!r) return null;
    const c = (r.min + r.max) / 2;
    const w = widest.get(units[channels[i]] ?? '') ?? 0;
    return withGain(padded({ min: c - w / 2, max: c + w / 2 }), gain);
  });
}

/** The ranges 'fixed' mode keeps once chosen: the current auto ranges, without the gain. */
export function freezeRanges(track: TrackData | null, channels: readonly number[], units: readonly string[]): (Range | null)[] {
  return laneRanges(track, channels, units, 'auto', 1, null);
}

/** ↑/↓ multiply the gain by this. */
export const GAIN_STEP = 1.5;
