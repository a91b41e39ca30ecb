/**
 * Stored re-runs of the analysis over a session ("derived sets"): each with its name, the options
 * it ran with, a summary for comparing runs, and the full result, beside the session's recorded
 * live results (which are never changed).
 */
import type { AnalysisRunBeats, AnalysisRunSummary, ReanalysisOptions } from '../../shared/review';
import type { AnalysisResult } from '../analysis/offline/analyze';
import type { Library } from './library';

type RunFigures = Omit<AnalysisRunSummary, 'id' | 'name' | 'params' | 'createdAt'>;

/** What a comparison of runs shows of one: counts, mean rates and the whole-session HRV. */
export function summarizeRun(result: AnalysisResult): RunFigures {
  const mean = (xs: (number | null)[]) => {
    const v = xs.filter((x): x is number => x !== null && Number.isFinite(x));
    return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
  };
  const { ecg, ppg, imu } = result;
  return {
    ecg: ecg
      ? { signal: ecg.signal, beats: ecg.beats.length, withheld: ecg.withheld.length, meanHrBpm: mean(ecg.hr.bpm), sdnnMs: ecg.hrv.overall.sdnnMs ?? null, rmssdMs: ecg.hrv.overall.rmssdMs ?? null, hrvWindows: ecg.hrv.windows.length }
      : null,
    ppg: ppg
      ? { signal: ppg.signal, beats: ppg.beats.length, polarity: ppg.polarity.used, meanHrBpm: mean(ppg.hr.bpm.filter((_, k) => ppg.quality.class[k] !== 'poor')), quality: ppg.quality.counts }
      : null,
    imu: imu ? { steps: imu.steps } : null,
  };
}

/** Stores a run (from its job's worker, on the job's own writable connection). */
export function saveAnalysisRun(library: Library, sessionId: number, params: ReanalysisOptions, result: AnalysisResult): number {
  const run = library.db
    .prepare('INSERT INTO analysis_runs (session_id, name, params, created_at, summary, result) VALUES (?, ?, ?, ?, ?, ?)')
    .run(sessionId, params.name, JSON.stringify(params), Date.now(), JSON.stringify(summarizeRun(result)), JSON.stringify(result));
  return Number(run.lastInsertRowid);
}

export function listAnalysisRuns(library: Library, sessionId: number): AnalysisRunSummary[] {
  const rows = library.db.prepare('SELECT id, name, params, created_at, summary FROM analysis_runs WHERE session_id = ? ORDER BY created_at, id').all(sessionId) as {
    id: number;
    name: string;
    params: string;
    created_at: number;
    summary: string;
  }[];
  return rows.map((r) => ({ id: r.id, name: r.name, params: JSON.parse(r.params) as ReanalysisOptions, createdAt: r.created_at, ...(JSON.parse(r.summary) as RunFigures) }));
}

export function hasAnalysisRun(library: Library, sessionId: number, name: string): boolean {
  return library.db.prepare('SELECT 1 FROM analysis_runs WHERE session_id = ? AND name = ?').get(sessionId, name) !== undefined;
}

export function deleteAnalysisRun(library: Library, sessionId: number, runId: number): void {
  if (!library.db.prepare('DELETE FROM analysis_runs WHERE id = ? AND session_id = ?').run(runId, sessionId).changes) throw new Error(`session ${sessionId} has no analysis run ${runId}`);
}

/** A run's ECG and PPG beats in seconds from the session start (the analysis counts from the first recorded sample). */
export function analysisRunBeats(library: Library, sessionId: number, runId: number): AnalysisRunBeats {
  const row = library.db.prepare('SELECT result FROM analysis_runs WHERE id = ? AND session_id = ?').get(runId, sessionId) as { result: string } | undefined;
  if (!row) throw new Error(`session ${sessionId} has no analysis run ${runId}`);
  const result = JSON.parse(row.result) as AnalysisResult;
  const starts = library.db
    .prepare('SELECT s.kind, MIN(c.t0) - se.started_at AS offset FROM streams s JOIN chunks c ON c.stream_id = s.id JOIN sessions se ON se.id = s.session_id WHERE s.session_id = ? AND s.derived_from IS NULL GROUP BY s.id')
    .all(sessionId) as { kind: string; offset: number }[];
  const offset = (kind: string) => starts.find((s) => s.kind === kind)?.offset ?? 0;
  const times = (samples: number[] | undefined, fs: number | undefined, kind: string) => (samples && fs ? samples.map((b) => offset(kind) + b / fs) : []);
  return { id: runId, ecg: times(result.ecg?.beats, result.ecg?.fs, 'ecg'), ppg: times(result.ppg?.beats, result.ppg?.fs, 'ppg') };
}
