import { useCallback, useEffect, useState } from 'react';
import type { AnalysisRunBeats, AnalysisRunSummary, ReanalysisOptions } from '../../../shared/review';
import type { VitalsApi } from '../../../shared/api';
import type { JobState } from '../../../shared/types';
import { JobProgress } from '../components/JobProgress';
import { errorMessage } from '../format';
import { EmptyRow } from '../components/EmptyRow';

interface Props {
  api: VitalsApi;
  sessionId: number;
  /** The engine's jobs (from its status): a running re-analysis of this session shows its progress. */
  jobs: readonly JobState[];
  /** Overlay a run's beats on the tracks (null: none). */
  onShowBeats?(beats: AnalysisRunBeats | null): void;
}

const show = (x: number | null | undefined, digits = 1) => (x === null || x === undefined ? '—' : x.toFixed(digits));

/**
 * Re-runs of the session's analysis with other parameters: a form to start one (a job, with
 * progress and Cancel), and the stored runs side by side with what each found, to compare or delete.
 */
export function AnalysisRuns({ api, sessionId, jobs, onShowBeats }: Props) {
  const [runs, setRuns] = useState<AnalysisRunSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [shown, setShown] = useState<number | null>(null);
  const [form, setForm] = useState({ name: '', ppgPolarity: 'auto' as NonNullable<ReanalysisOptions['ppgPolarity']>, hrvWindowSec: '300', hrvStepSec: '30' });
  const mine = jobs.filter((j) => j.kind === 'reanalyze' && j.sessionId === sessionId);
  const running = mine.find((j) => j.state === 'running');
  const lastEnded = mine.filter((j) => j.endedAt !== null).sort((a, b) => b.endedAt! - a.endedAt!)[0];

  const refresh = useCallback(() => {
    api.listAnalysisRuns(sessionId).then(setRuns, (e: unknown) => setError(errorMessage(e)));
  }, [api, sessionId]);
  useEffect(refresh, [refresh, lastEnded?.id]);

  const start = () => {
    setError(null);
    const name = form.name.trim() || `run ${(runs?.length ?? 0) + 1}`;
    const options: ReanalysisOptions = { name, ppgPolarity: form.ppgPolarity, hrvWindowSec: Number(form.hrvWindowSec), hrvStepSec: Number(form.hrvStepSec) };
    api.reanalyzeSession(sessionId, options).then(
      () => setForm({ ...form, name: '' }),
      (e: unknown) => setError(errorMessage(e)),
    );
  };
  const remove = (run: AnalysisRunSummary) => {
    if (!window.confirm(`Delete the analysis run "${run.name}"? The recorded live results stay.`)) return;
    api.deleteAnalysisRun(sessionId, run.id).then(refresh, (e: unknown) => setError(errorMessage(e)));
    if (shown === run.id) toggleBeats(run);
  };
  const toggleBeats = (run: AnalysisRunSummary) => {
    if (shown === run.id) {
      setShown(null);
      onShowBeats?.(null);
      return;
    }
    api.getAnalysisRunBeats(sessionId, run.id).then(
      (beats) => {
        setShown(run.id);
        onShowBeats?.(beats);
      },
      (e: unknown) => setError(errorMessage(e)),
    );
  };

  return (
    <section className="panel analysis-runs" aria-label="Analysis runs" data-testid="analysis-runs">
      <header className="panel-head">
        <h2>Re-analysis</h2>
        <span className="muted small">runs beside the recorded live results, which never change</span>
      </header>
      <div className="panel-body">
        <form
          className="runs-form"
          onSubmit={(e) => {
            e.preventDefault();
            start();
          }}
        >
          <label>
            Name <input value={form.name} placeholder={`run ${(runs?.length ?? 0) + 1}`} maxLength={100} onChange={(e) => setForm({ ...form, name: e.target.value })} data-testid="run-name" />
          </label>
          <label title="which way up the PPG is: auto detects it from the first 10 s">
            PPG polarity{' '}
            <select value={form.ppgPolarity} onChange={(e) => setForm({ ...form, ppgPolarity: e.target.value as typeof form.ppgPolarity })} data-testid="run-polarity">
              <option value="auto">auto</option>
              <option value="volume">volume (rises at systole)</option>
              <option value="intensity">intensity (falls at systole)</option>
            </select>
          </label>
          <label>
            HRV window <input type="number" min={30} max={3600} value={form.hrvWindowSec} onChange={(e) => setForm({ ...form, hrvWindowSec: e.target.value })} data-testid="run-hrv-window" /> s
          </label>
          <label>
            step <input type="number" min={1} max={3600} value={form.hrvStepSec} onChange={(e) => setForm({ ...form, hrvStepSec: e.target.value })} /> s
          </label>
          <button type="submit" disabled={!!running} data-testid="run-start">
            Re-run analysis
          </button>
          {running ? <JobProgress job={running} testId="run-progress" cancelTestId="run-cancel" onCancel={(id) => void api.cancelJob(id)} /> : null}
        </form>
        {error || lastEnded?.state === 'failed' ? (
          <p className="library-error" role="alert">
            {error ?? lastEnded?.error}
          </p>
        ) : null}
        <table className="table" data-testid="runs-table">
          <thead>
            <tr>
              <th>Run</th>
              <th>Parameters</th>
              <th className="num">ECG beats</th>
              <th className="num" title="beats of stretches flagged unusable, not counted as beats">withheld</th>
              <th className="num">HR [bpm]</th>
              <th className="num">SDNN [ms]</th>
              <th className="num">RMSSD [ms]</th>
              <th className="num">HRV windows</th>
              <th className="num">PPG peaks</th>
              <th>PPG polarity</th>
              <th className="num">PPG HR [bpm]</th>
              <th>PPG windows good/fair/poor</th>
              <th className="num">Steps</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(runs ?? []).map((r) => (
              <tr key={r.id} data-testid="run-row" data-run-id={r.id}>
                <td>{r.name}</td>
                <td className="mono small">
                  PPG {r.params.ppgPolarity ?? 'auto'}, HRV {r.params.hrvWindowSec ?? 300}/{r.params.hrvStepSec ?? 30} s
                </td>
                <td className="num mono">{r.ecg?.beats ?? '—'}</td>
                <td className="num mono">{r.ecg?.withheld ?? '—'}</td>
                <td className="num mono">{show(r.ecg?.meanHrBpm)}</td>
                <td className="num mono">{show(r.ecg?.sdnnMs)}</td>
                <td className="num mono">{show(r.ecg?.rmssdMs)}</td>
                <td className="num mono">{r.ecg?.hrvWindows ?? '—'}</td>
                <td className="num mono">{r.ppg?.beats ?? '—'}</td>
                <td>{r.ppg?.polarity ?? '—'}</td>
                <td className="num mono">{show(r.ppg?.meanHrBpm)}</td>
                <td className="mono small">{r.ppg ? `${r.ppg.quality.good ?? 0}/${r.ppg.quality.fair ?? 0}/${r.ppg.quality.poor ?? 0}` : '—'}</td>
                <td className="num mono">{r.imu?.steps ?? '—'}</td>
                <td className="row-actions">
                  {onShowBeats ? (
                    <button type="button" aria-pressed={shown === r.id} onClick={() => toggleBeats(r)} title="overlay this run's beats on the tracks">
                      {shown === r.id ? 'Hide beats' : 'Show beats'}
                    </button>
                  ) : null}
                  <button type="button" className="danger" onClick={() => remove(r)} data-testid={`run-delete-${r.id}`}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
            {runs && runs.length === 0 ? <EmptyRow columns={13}>No runs yet: pick parameters above and press Re-run analysis.</EmptyRow> : null}
          </tbody>
        </table>
      </div>
    </section>
  );
}
