import { useEffect, useState } from 'react';
import type { VitalsApi } from '../../../shared/api';
import { formatRange, type RangeStats, type StepRow, type StepSummary } from '../../../shared/step-summary';
import { errorMessage } from '../format';

/** The session's step summary, or the error that prevented it; null while it loads. */
export function useStepSummary(api: VitalsApi, sessionId: number): StepSummary | string | null {
  const [summary, setSummary] = useState<StepSummary | string | null>(null);
  useEffect(() => {
    let stale = false;
    api.getStepSummary(sessionId).then(
      (s) => !stale && setSummary(s),
      (e: unknown) => !stale && setSummary(errorMessage(e)),
    );
    return () => {
      stale = true;
    };
  }, [api, sessionId]);
  return summary;
}

const range = (r: RangeStats | null | undefined, digits = 0): string => formatRange(r, digits) ?? '–';

/** Per protocol step: duration, HR per source, SpO2, footsteps, % good quality, lost samples; a click shows the step. */
export function StepsPanel({ summary, onSelect }: { summary: StepSummary | string | null; onSelect(step: StepRow): void }) {
  if (summary === null) return null;
  if (typeof summary === 'string') {
    return (
      <section className="review-card" data-testid="steps-panel">
        <h3>Steps</h3>
        <p className="muted small">{summary}</p>
      </section>
    );
  }
  const sources = [...new Set(summary.steps.flatMap((s) => Object.keys(s.hr)))];
  return (
    <section className="review-card" data-testid="steps-panel">
      <h3>Steps</h3>
      {/* One column per HR source: wider than the side panel, so the table scrolls sideways inside its card. */}
      <div className="steps-scroll">
        <table className="steps-table">
          <thead>
            <tr>
              <th>step</th>
              <th title="seconds">dur. s</th>
              {sources.map((src) => (
                <th key={src} title={`HR from ${src}: mean (min–max), bpm; % of the step with a trusted value`}>
                  HR {src}
                </th>
              ))}
              <th title="mean (min–max), %">SpO2</th>
              <th title="footsteps (steps/min)">steps</th>
              <th title="samples lost in gaps">lost</th>
            </tr>
          </thead>
          <tbody>
            {summary.steps.map((s) => (
              <tr key={`${s.name}@${s.start_s}`} onClick={() => onSelect(s)} className="clickable" title={`Show ${s.name} (${s.start_s.toFixed(1)}–${s.end_s.toFixed(1)} s)`} data-testid="steps-row">
                <td>{s.name}</td>
                <td className="mono">{s.duration_s.toFixed(0)}</td>
                {sources.map((src) => (
                  <td key={src} className="mono">
                    {range(s.hr[src])}
                    {s.quality[src] !== undefined ? <span className="muted"> · {s.quality[src].toFixed(0)} %</span> : null}
                  </td>
                ))}
                <td className="mono">{range(s.spo2, 1)}</td>
                <td className="mono">{s.steps ? `${s.steps.count} (${s.steps.cadence_spm.toFixed(0)}/min)` : '–'}</td>
                <td className="mono">{s.lost_samples}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
