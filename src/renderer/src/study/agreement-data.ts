/** What the agreement view shows, from the engine's result: default sources, plot points, file names. Pure. */
import type { AgreementResult, AgreementSource } from '../../../shared/agreement';

/** A first pair to compare: the ECG's HR as the reference A, another source of the same unit (the PPG's HR first) as B. */
export function defaultPair(sources: readonly AgreementSource[]): { a: string; b: string } | null {
  const a = sources.find((s) => s.id === 'ecg.metrics') ?? sources[0];
  if (!a) return null;
  const same = sources.filter((s) => s.id !== a.id && s.unit === a.unit);
  const b = same.find((s) => s.id === 'ppg.metrics') ?? same[0];
  return b ? { a: a.id, b: b.id } : null;
}

export interface PlotPoint {
  x: number;
  y: number;
}

/** Bland-Altman: the mean of the two on x, the difference B - A on y. */
export function blandAltmanPoints({ points }: AgreementResult): PlotPoint[] {
  return points.a.map((a, i) => ({ x: (a + points.b[i]) / 2, y: points.b[i] - a }));
}

/** The scatter: A on x, B on y, on one square domain (whole units, a margin around the points) so the identity line is the diagonal. */
export function scatterPoints({ points }: AgreementResult): { points: PlotPoint[]; domain: [number, number] } {
  let lo = Infinity;
  let hi = -Infinity;
  const out = points.a.map((a, i) => {
    const b = points.b[i];
    lo = Math.min(lo, a, b);
    hi = Math.max(hi, a, b);
    return { x: a, y: b };
  });
  if (!(hi > lo)) return { points: out, domain: [lo - 1, hi + 1] };
  const pad = (hi - lo) * 0.05;
  return { points: out, domain: [Math.floor(lo - pad), Math.ceil(hi + pad)] };
}

/** `agreement-<session>-<a>-vs-<b>.<ext>`, safe as a file name. */
export function reportFileName(result: AgreementResult, ext: 'csv' | 'json'): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_');
  const { sessionId, a, b } = result.report;
  return `agreement-${sessionId}-${safe(a.id)}-vs-${safe(b.id)}.${ext}`;
}

/** A manual lag field: empty is "estimate it"; else seconds within ±600. */
export function parseLag(text: string): { lag?: number; error?: string } {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  const lag = Number(trimmed);
  if (!Number.isFinite(lag) || Math.abs(lag) > 600) return { error: `lag must be a number of seconds from -600 to 600, got "${text}"` };
  return { lag };
}
