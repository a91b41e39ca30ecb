import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { filterSessions, parseDate, type SessionFilter } from '../../../shared/session-library';
import type { JobKind, JobState, SessionSummary } from '../../../shared/types';
import { getApi } from '../api';
import { errorMessage } from '../format';
import { DatasetDialog } from './DatasetDialog';
import { DeleteSessionDialog } from './DeleteSessionDialog';
import { ExportDialog } from './ExportDialog';
import { JobProgress } from '../components/JobProgress';
import { SessionRow, type RowActions } from './SessionRow';
import { EmptyRow } from '../components/EmptyRow';

interface Props {
  sessions: readonly SessionSummary[] | null;
  /** The engine's jobs (from its status): running exports and imports show progress, ended ones their outcome. */
  jobs: readonly JobState[];
  onRefresh(): void;
  /** Uploads files picked with "Import files…" and imports them (see useFileImports). */
  onImportFiles(files: File[]): void;
  onCancel(jobId: number): void;
}

type SortColumn = 'name' | 'participant' | 'start' | 'duration' | 'samples';

const SORT_KEYS: Record<SortColumn, (s: SessionSummary) => string | number> = {
  name: (s) => s.name.toLowerCase(),
  participant: (s) => s.participant.toLowerCase(),
  start: (s) => Date.parse(s.startedAt),
  // Open sessions last when longest first.
  duration: (s) => s.durationSec ?? -1,
  samples: (s) => s.streams.reduce((sum, st) => sum + st.samples, 0),
};

/**
 * The session library: search and filters, sortable columns, and per session rename, participant and study, tags,
 * exports (the export dialog, SQLite file), Open (the review view) and delete with confirmation;
 * an import of a session file; an ML dataset from the sessions listed (the dataset dialog). Renames, tags, exports, deletes and file jobs go to the engine API
 * directly; cancel through the props.
 */
const LIBRARY_JOBS: ReadonlySet<JobKind> = new Set(['export-csv', 'export-edf', 'export-wfdb', 'export-parquet', 'export-session-file', 'import-session-file', 'dataset']);

export function SessionsTable({ sessions, jobs, onRefresh, onImportFiles, onCancel }: Props) {
  const api = getApi();
  const [search, setSearch] = useState('');
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  const [minMinutes, setMinMinutes] = useState('');
  const [tag, setTag] = useState('');
  const [participant, setParticipant] = useState('');
  const [study, setStudy] = useState('');
  const [sort, setSort] = useState<{ column: SortColumn; descending: boolean }>({ column: 'start', descending: true });
  const [deleting, setDeleting] = useState<SessionSummary | null>(null);
  const [exporting, setExporting] = useState<number | null>(null);
  const [buildingDataset, setBuildingDataset] = useState(false);
  const [importPath, setImportPath] = useState('');
  const fileInput = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);

  const fail = useCallback((what: string) => (e: unknown) => setError(`${what}: ${errorMessage(e)}`), []);
  const run = useCallback(
    (what: string, work: Promise<unknown>): void => {
      setError(null);
      work.then(onRefresh, fail(what));
    },
    [onRefresh, fail],
  );

  // A finished import adds sessions: list them.
  const seenEnded = useRef(new Set<number>());
  useEffect(() => {
    const ended = jobs.filter((j) => j.kind === 'import-session-file' && j.state === 'done' && !seenEnded.current.has(j.id));
    ended.forEach((j) => seenEnded.current.add(j.id));
    if (ended.length > 0) onRefresh();
  }, [jobs, onRefresh]);

  const filter = useMemo((): SessionFilter => {
    const date = (text: string, endOfDay: boolean): number | undefined => {
      try {
        return text ? parseDate(text, endOfDay) : undefined;
      } catch {
        return undefined;
      }
    };
    const minutes = Number(minMinutes);
    return { text: search, tag: tag || undefined, participant: participant || undefined, study: study || undefined, since: date(since, false), until: date(until, true), minDurationSec: minutes > 0 ? minutes * 60 : undefined };
  }, [search, tag, participant, study, since, until, minMinutes]);

  const rows = useMemo(() => {
    const key = SORT_KEYS[sort.column];
    const sign = sort.descending ? -1 : 1;
    return filterSessions(sessions ?? [], filter).sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      return sign * (ka < kb ? -1 : ka > kb ? 1 : a.id - b.id);
    });
  }, [sessions, filter, sort]);
  const allTags = useMemo(() => [...new Set((sessions ?? []).flatMap((s) => s.tags))].sort((a, b) => a.localeCompare(b)), [sessions]);
  const allParticipants = useMemo(() => distinctValues(sessions ?? [], (s) => s.participant), [sessions]);
  const allStudies = useMemo(() => distinctValues(sessions ?? [], (s) => s.study), [sessions]);

  // The library's own jobs: exports and imports (re-analysis and re-timing show in the session's review).
  const libraryJobs = jobs.filter((j) => LIBRARY_JOBS.has(j.kind));
  const running = libraryJobs.filter((j) => j.state === 'running');
  const lastEnded = libraryJobs.filter((j) => j.endedAt !== null).sort((a, b) => b.endedAt! - a.endedAt!)[0];

  const actions: RowActions = {
    onRename: (s, name) => run(`rename session ${s.id}`, api.renameSession(s.id, name)),
    onSetTags: (s, tags) => run(`tags of session ${s.id}`, api.setSessionTags(s.id, tags)),
    onAssign: (s, participant, study) =>
      run(
        `participant and study of session ${s.id}`,
        (async () => {
          if (participant !== s.participant) await api.setSessionParticipant(s.id, participant);
          if (study !== s.study) await api.setSessionStudy(s.id, study);
        })(),
      ),
    onDelete: setDeleting,
    onExport: setExporting,
    onExportFile: (id) => run(`SQLite export of session ${id}`, api.exportSessionFile(id)),
    onCancel,
  };

  const sortHeader = (column: SortColumn, label: string, className?: string) => {
    const active = sort.column === column;
    return (
      <th className={className} aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
        <button
          type="button"
          className="sort"
          data-testid={`sort-${column}`}
          onClick={() => setSort({ column, descending: active ? !sort.descending : column === 'start' || column === 'duration' || column === 'samples' })}
        >
          {label}
          {active ? (sort.descending ? ' ▾' : ' ▴') : ''}
        </button>
      </th>
    );
  };

  const startImport = (): void => {
    const path = importPath.trim();
    if (!path) {
      setError('import: type the path of a session file (.db) or a WFDB record (.hea) on the engine’s machine');
      return;
    }
    setError(null);
    api.importSessionFile(path).then(() => setImportPath(''), fail('import'));
  };

  return (
    <section className="panel sessions" aria-label="Sessions">
      <header className="panel-head">
        <h2>Sessions</h2>
        <span className="muted small" data-testid="sessions-count">
          {sessions ? (rows.length === sessions.length ? `${sessions.length} recorded` : `${rows.length} of ${sessions.length}`) : 'loading…'}
        </span>
        {lastEnded ? <JobOutcome job={lastEnded} /> : null}
        <span className="spacer" />
        <button type="button" onClick={onRefresh} data-testid="sessions-refresh">
          Refresh
        </button>
      </header>
      <div className="library-tools">
        <input type="search" placeholder="Search name, participant, tag, device" aria-label="Search sessions" data-testid="library-search" value={search} onChange={(e) => setSearch(e.target.value)} />
        <label className="field-inline">
          from <input type="date" aria-label="Started on or after" data-testid="library-since" value={since} onChange={(e) => setSince(e.target.value)} />
        </label>
        <label className="field-inline">
          to <input type="date" aria-label="Started on or before" data-testid="library-until" value={until} onChange={(e) => setUntil(e.target.value)} />
        </label>
        <label className="field-inline">
          ≥ <input type="number" min={0} className="minutes" aria-label="Minimum duration in minutes" data-testid="library-min-minutes" value={minMinutes} onChange={(e) => setMinMinutes(e.target.value)} /> min
        </label>
        <FilterSelect label="Participant" testId="library-participant" anyText="any participant" values={allParticipants} value={participant} onChange={setParticipant} />
        <FilterSelect label="Study" testId="library-study" anyText="any study" values={allStudies} value={study} onChange={setStudy} />
        <FilterSelect label="Tag" testId="library-tag" anyText="any tag" values={allTags} value={tag} onChange={setTag} />
        <span className="spacer" />
        <form
          className="field-inline"
          onSubmit={(e) => {
            e.preventDefault();
            startImport();
          }}
        >
          <input type="text" placeholder="/path/to/session.db or record.hea" aria-label="Session file to import (a path on the engine’s machine)" data-testid="import-path" value={importPath} onChange={(e) => setImportPath(e.target.value)} />
          <button type="submit" data-testid="import-start" title="import every session of a Vitalscope library file under new ids, or a WFDB record (.hea, with its .atr as beat classes) as a new session">
            Import
          </button>
        </form>
        <button type="button" data-testid="import-files" title="upload files from this computer and import them: library files (.db), WFDB records (.hea with its .dat and .atr); or drop them anywhere on the window" onClick={() => fileInput.current?.click()}>
          Import files…
        </button>
        <input
          ref={fileInput}
          type="file"
          multiple
          hidden
          aria-label="Files to import"
          data-testid="import-files-input"
          onChange={(e) => {
            const files = [...(e.target.files ?? [])];
            e.target.value = '';
            onImportFiles(files);
          }}
        />
        <button type="button" data-testid="dataset-open" title="cut windows of the sessions listed into an ML dataset (Parquet parts split by participant, a manifest), as vitalscope dataset does" onClick={() => setBuildingDataset(true)}>
          Build dataset…
        </button>
        {running
          .filter((j) => j.kind === 'import-session-file' || j.kind === 'dataset')
          .map((j) => (
            <JobProgress key={j.id} job={j} testId={`${j.kind === 'dataset' ? 'dataset' : 'import'}-progress-${j.id}`} cancelTestId={`${j.kind === 'dataset' ? 'dataset' : 'import'}-cancel-${j.id}`} onCancel={onCancel} />
          ))}
      </div>
      {error ? (
        <div className="library-error" role="alert" data-testid="library-error">
          {error}
          <button type="button" className="icon" aria-label="Dismiss" onClick={() => setError(null)}>
            ×
          </button>
        </div>
      ) : null}
      <div className="panel-body table-scroll">
        <table className="table" data-testid="sessions-table">
          <thead>
            <tr>
              {sortHeader('name', 'Name')}
              {sortHeader('participant', 'Participant')}
              {sortHeader('start', 'Start')}
              {sortHeader('duration', 'Duration', 'num')}
              <th>Tags</th>
              <th>Streams</th>
              {sortHeader('samples', 'Samples')}
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => (
              <SessionRow key={s.id} api={api} session={s} jobs={running.filter((j) => j.sessionId === s.id)} {...actions} />
            ))}
            {sessions && rows.length === 0 ? <EmptyRow columns={8}>{sessions.length === 0 ? 'No sessions yet. Connect a device, then press Record.' : 'No session matches the search and filters.'}</EmptyRow> : null}
          </tbody>
        </table>
      </div>
      {buildingDataset ? <DatasetDialog api={api} sessions={sessions ?? []} shown={rows} jobs={jobs} onClose={() => setBuildingDataset(false)} /> : null}
      {exporting !== null ? <ExportDialog api={api} sessionId={exporting} jobs={jobs} onClose={() => setExporting(null)} /> : null}
      {deleting ? (
        <DeleteSessionDialog
          session={deleting}
          onClose={() => setDeleting(null)}
          onConfirm={() => {
            setDeleting(null);
            run(`delete session ${deleting.id}`, api.deleteSession(deleting.id));
          }}
        />
      ) : null}
    </section>
  );
}

/** How the latest job ended: where its files went, what it imported, or its error. */
function JobOutcome({ job }: { job: JobState }) {
  if (job.state === 'done') {
    const text =
      job.kind === 'import-session-file'
        ? `imported ${job.output?.sessionIds?.length ?? 0} session(s) from `
        : job.kind === 'dataset'
          ? 'dataset built: '
          : `session ${job.sessionId} exported to `;
    const where = job.kind === 'export-csv' ? job.output?.dir : job.output?.files?.[0];
    // A dataset's files are its parts, thousands of them: no tooltip listing them all.
    return (
      <span className="small" data-testid="export-result" title={job.kind === 'dataset' ? undefined : job.output?.files?.join('\n')}>
        {text}
        <span className="mono">{where}</span>
      </span>
    );
  }
  if (job.state === 'cancelled') {
    return (
      <span className="small muted" data-testid="export-result">
        {job.kind === 'import-session-file'
          ? `${job.title} cancelled: nothing of it was kept`
          : job.kind === 'dataset'
            ? `${job.title} cancelled: its finished parts are kept`
            : `export of session ${job.sessionId} cancelled: its partial files were removed`}
      </span>
    );
  }
  return (
    <span className="small export-error" data-testid="export-error">
      {job.error}
    </span>
  );
}

/** The non-empty values sessions carry, once each (ignoring case), sorted. */
function distinctValues(sessions: readonly SessionSummary[], of: (s: SessionSummary) => string): string[] {
  const seen = new Map<string, string>();
  for (const s of sessions) if (of(s) && !seen.has(of(s).toLowerCase())) seen.set(of(s).toLowerCase(), of(s));
  return [...seen.values()].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
}

function FilterSelect({ label, testId, anyText, values, value, onChange }: { label: string; testId: string; anyText: string; values: string[]; value: string; onChange(v: string): void }) {
  return (
    <select aria-label={label} data-testid={testId} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{anyText}</option>
      {values.map((v) => (
        <option key={v} value={v}>
          {v}
        </option>
      ))}
    </select>
  );
}
