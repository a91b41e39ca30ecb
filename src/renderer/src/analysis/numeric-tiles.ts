/** Which live numeric each tile shows, and how it reads. Pure: no DOM, no React. */
import type { AnalysisState, Numeric, Quality, StreamInfo } from '../../../shared/types';

export type NumericName = Numeric['name'];

/** The tiles, left to right. */
export const TILE_ORDER: readonly NumericName[] = ['hr', 'spo2', 'pi', 'rmssd', 'cadence', 'steps'];

export const TILE_TITLES: Record<NumericName, string> = {
  hr: 'HR',
  spo2: 'SpO2',
  pi: 'PI',
  rmssd: 'RMSSD',
  cadence: 'Cadence',
  steps: 'Steps',
};

/** Decimals shown per figure. */
export const TILE_DECIMALS: Record<NumericName, number> = { hr: 0, spo2: 0, pi: 2, rmssd: 0, cadence: 0, steps: 0 };

/** Source preference when several streams give the same figure: ECG beats PPG beats the rest. */
const KIND_RANK: Record<string, number> = { ecg: 0, ppg: 1, imu: 2 };

export interface TileModel {
  name: NumericName;
  title: string;
  /** The value as text ("—" when there is none). */
  text: string;
  hasValue: boolean;
  unit: string;
  /** Where it comes from, e.g. "ECG", "PPG" (empty when unknown). */
  source: string;
  /** The stream it comes from; absent when no stream gives this figure. */
  key?: string;
  quality: Quality | null;
  /** Poor quality: the value is shown dimmed and struck through, not to be trusted. */
  poor: boolean;
  /** "12% lost" when packets were lost in the value's window; empty otherwise. */
  lost: string;
  /** The value is carried by the tracker, not measured (no confident spectral peak): shown greyed, labelled "coasting". */
  coasting: boolean;
  /** Why its source's signal is judged unusable (the badge's tooltip); empty while it is usable. */
  unusable: string;
}

/** "HR (ECG)" -> "ECG"; otherwise the source stream's kind (upper case) or name. */
export function sourceLabel(n: Numeric, streams: readonly StreamInfo[] = []): string {
  const paren = /\(([^)]+)\)\s*$/.exec(n.label);
  if (paren) return paren[1].trim();
  const s = streams.find((x) => x.key === n.key);
  if (!s) return '';
  return s.kind === 'other' ? s.name : s.kind.toUpperCase();
}

function kindRank(n: Numeric, streams: readonly StreamInfo[]): number {
  const kind = streams.find((x) => x.key === n.key)?.kind ?? sourceLabel(n).toLowerCase();
  return KIND_RANK[kind] ?? 9;
}

/** Usable: a value with quality that is not poor (null quality: not applicable, so usable). */
function usable(n: Numeric): boolean {
  return n.value !== null && Number.isFinite(n.value) && n.quality !== 'poor';
}

/**
 * The best source of one figure: the preferred source (ECG, then PPG, then others, in order
 * given) among those with a trustworthy value; else the preferred one with any value; else the
 * first one given. Undefined when none gives it.
 */
export function pickNumeric(candidates: readonly Numeric[], streams: readonly StreamInfo[] = []): Numeric | undefined {
  if (candidates.length === 0) return undefined;
  const ranked = candidates
    .map((n, i) => ({ n, i, r: kindRank(n, streams) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.n);
  return ranked.find(usable) ?? ranked.find((n) => n.value !== null && Number.isFinite(n.value)) ?? candidates[0];
}

export function formatNumeric(name: NumericName, value: number | null): string {
  return value !== null && Number.isFinite(value) ? value.toFixed(TILE_DECIMALS[name]) : '—';
}

/** How much of a value's window was lost, as the tile says it: under 0.5% reads "<1% lost". */
export function lostText(missing: number | undefined): string {
  if (missing === undefined || !(missing > 0)) return '';
  return missing < 0.005 ? '<1% lost' : `${Math.round(missing * 100)}% lost`;
}

/** One tile per figure of TILE_ORDER, from the engine's numerics. */
export function tileModels(numerics: readonly Numeric[], streams: readonly StreamInfo[] = []): TileModel[] {
  return TILE_ORDER.map((name): TileModel => {
    const n = pickNumeric(
      numerics.filter((x) => x.name === name),
      streams,
    );
    const hasValue = !!n && n.value !== null && Number.isFinite(n.value);
    return {
      name,
      title: TILE_TITLES[name],
      text: formatNumeric(name, n?.value ?? null),
      hasValue,
      unit: n?.unit ?? '',
      source: n ? sourceLabel(n, streams) : '',
      key: n?.key,
      quality: n?.quality ?? null,
      poor: hasValue && n?.quality === 'poor',
      lost: lostText(n?.missing),
      coasting: hasValue && n?.coasting === true,
      unusable: n?.unusable ?? '',
    };
  });
}

/** The warning line when the analysis worker crashed and was restarted, or stopped; null when all is well. */
export function analysisWarning(analysis: Pick<AnalysisState, 'error' | 'restarts' | 'stopped'> | null | undefined): string | null {
  if (analysis?.stopped) return `Analysis stopped: ${analysis.stopped}`;
  if (!analysis?.error) return null;
  return `Analysis restarted (${analysis.restarts}×): ${analysis.error}`;
}

/** One note per raw stream the analysis leaves out, e.g. "not analysed: b/ecg: ECG at 40 Hz is below 100 Hz". */
export function unsupportedNotes(analysis: Pick<AnalysisState, 'unsupported'> | null | undefined): string[] {
  return (analysis?.unsupported ?? []).map((u) => `not analysed: ${u.key}: ${u.reason}`);
}
