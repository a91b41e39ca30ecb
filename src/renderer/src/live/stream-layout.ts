/** Which streams get a strip chart, in what order, and with which filtered companion. Pure. */
import { USABLE_CHANNEL } from '../../../shared/ecg-usable';
import type { StreamInfo } from '../../../shared/types';

export interface ChartEntry {
  info: StreamInfo;
  /** The live-only filtered view of this stream, drawn instead of raw lanes the user switches. */
  companion?: StreamInfo;
}

/**
 * One chart per stream that is not live-only, each source followed by the streams derived from
 * it (its metrics); live-only streams become the companion of their source and get no chart.
 */
export function chartEntries(streams: readonly StreamInfo[]): ChartEntry[] {
  const shown = streams.filter((s) => !s.liveOnly);
  const companionOf = new Map<string, StreamInfo>();
  for (const s of streams) if (s.liveOnly && s.derivedFrom && !companionOf.has(s.derivedFrom)) companionOf.set(s.derivedFrom, s);
  const keys = new Set(shown.map((s) => s.key));
  const children = new Map<string, StreamInfo[]>();
  const roots: StreamInfo[] = [];
  for (const s of shown) {
    if (s.derivedFrom && keys.has(s.derivedFrom) && s.derivedFrom !== s.key) {
      const list = children.get(s.derivedFrom) ?? [];
      list.push(s);
      children.set(s.derivedFrom, list);
    } else roots.push(s);
  }
  const out: ChartEntry[] = [];
  const seen = new Set<string>();
  const visit = (s: StreamInfo): void => {
    if (seen.has(s.key)) return;
    seen.add(s.key);
    out.push(companionOf.has(s.key) ? { info: s, companion: companionOf.get(s.key) } : { info: s });
    for (const child of children.get(s.key) ?? []) visit(child);
  };
  roots.forEach(visit);
  // Cycles in derivedFrom (not expected) would leave streams unvisited: show them anyway.
  for (const s of shown) visit(s);
  return out;
}

/** Raw (not derived, not live-only) streams with a rate, ECG/PPG/IMU first: what a PSD can be asked of. */
export function psdStreams(streams: readonly StreamInfo[]): StreamInfo[] {
  const rank = (s: StreamInfo): number => ({ ecg: 0, ppg: 1, imu: 2 })[s.kind as 'ecg' | 'ppg' | 'imu'] ?? 3;
  return streams
    .filter((s) => !s.derivedFrom && !s.liveOnly && s.rate > 0)
    .map((s, i) => ({ s, i }))
    .sort((a, b) => rank(a.s) - rank(b.s) || a.i - b.i)
    .map((x) => x.s);
}

/** The metrics stream and channel that flag where `source` was judged unusable (shared/ecg-usable.ts), if it has one. */
export function usableChannel(source: { key: string }, streams: readonly { key: string; derivedFrom?: string | null; channels: readonly { label: string }[] }[]): { key: string; channel: number } | undefined {
  for (const s of streams) {
    const channel = s.derivedFrom === source.key ? s.channels.findIndex((c) => c.label === USABLE_CHANNEL) : -1;
    if (channel >= 0) return { key: s.key, channel };
  }
  return undefined;
}
