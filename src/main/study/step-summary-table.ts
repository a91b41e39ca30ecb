/** `vitalscope summary --by step` as text: one line per step, a column per figure and HR source. */
import { formatRange, type RangeStats, type StepSummary } from '../../shared/step-summary';

const range = (r: RangeStats | null | undefined, digits = 0): string => formatRange(r, digits) ?? '-';

/** Tab-separated, with a header row; HR as mean (min-max) bpm per source, quality as % good. */
export function stepSummaryTable(summary: StepSummary): string {
  const sources = [...new Set(summary.steps.flatMap((s) => Object.keys(s.hr)))];
  const header = ['step', 'start s', 'duration s', ...sources.map((s) => `HR ${s} bpm`), 'SpO2 %', 'footsteps', 'cadence /min', ...sources.map((s) => `good ${s} %`), 'lost samples'];
  const rows = summary.steps.map((s) => [
    s.name,
    s.start_s.toFixed(1),
    s.duration_s.toFixed(1),
    ...sources.map((src) => range(s.hr[src] ?? null)),
    range(s.spo2, 1),
    s.steps ? String(s.steps.count) : '-',
    s.steps ? s.steps.cadence_spm.toFixed(0) : '-',
    ...sources.map((src) => (s.quality[src] === undefined ? '-' : s.quality[src].toFixed(0))),
    String(s.lost_samples),
  ]);
  return [header, ...rows].map((r) => r.join('\t')).join('\n') + '\n';
}
