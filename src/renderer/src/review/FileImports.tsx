import { useCallback, useEffect, useRef, useState } from 'react';
import type { JobState } from '../../../shared/types';
import type { PickedFile } from '../upload-file';
import { importFiles, type FileImport, type ImportApi } from './file-imports';
import { JobProgress } from '../components/JobProgress';

/** Files dropped on the window or picked in the library, on their way in; `onImported` runs when an import job is done. */
export function useFileImports(api: ImportApi, jobs: readonly JobState[], onImported: () => void) {
  const [imports, setImports] = useState<FileImport[][]>([]);
  const start = useCallback(
    (files: readonly PickedFile[]): void => {
      if (files.length === 0) return;
      let batch = -1;
      void importFiles(api, files, (entries) =>
        setImports((all) => {
          if (batch < 0) batch = all.length;
          const next = [...all];
          next[batch] = entries;
          return next;
        }),
      );
    },
    [api],
  );
  // An import that is done added sessions: list them.
  const seen = useRef(new Set<number>());
  useEffect(() => {
    const ids = new Set(imports.flat().map((e) => e.jobId));
    const done = jobs.filter((j) => ids.has(j.id) && j.state === 'done' && !seen.current.has(j.id));
    done.forEach((j) => seen.current.add(j.id));
    if (done.length > 0) onImported();
  }, [imports, jobs, onImported]);
  return { imports: imports.flat(), start, clear: () => setImports([]) };
}

/** Each file's upload, import job and outcome: the new sessions to review, or what went wrong. */
export function FileImports({ imports, jobs, onCancel, onClear }: { imports: readonly FileImport[]; jobs: readonly JobState[]; onCancel(jobId: number): void; onClear(): void }) {
  if (imports.length === 0) return null;
  return (
    <section className="file-imports" aria-label="Imports" data-testid="file-imports">
      <header>
        <strong>Imports</strong>
        <span className="spacer" />
        <button type="button" className="icon" aria-label="Clear the list" title="Clear the list" data-testid="file-imports-clear" onClick={onClear}>
          ×
        </button>
      </header>
      <ul>
        {imports.map((entry, i) => (
          <li key={`${i}:${entry.name}`} data-testid="file-import" data-file={entry.name}>
            <span className="mono">{entry.name}</span> <ImportState entry={entry} job={jobs.find((j) => j.id === entry.jobId) ?? null} onCancel={onCancel} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function ImportState({ entry, job, onCancel }: { entry: FileImport; job: JobState | null; onCancel(jobId: number): void }) {
  if (entry.state === 'failed') return <span className="export-error" data-testid="file-import-error">{entry.error}</span>;
  if (entry.partOf) return <span className="muted small">read with {entry.partOf}</span>;
  if (entry.state === 'model') return <a href="#/models">model imported</a>;
  if (entry.state === 'uploading') {
    return (
      <span className="export-progress">
        <progress max={1} value={entry.fraction} /> <span className="mono small">uploading {(100 * entry.fraction).toFixed(0)}%</span>
      </span>
    );
  }
  if (!job || job.state === 'running') return job ? <JobProgress job={job} testId={`file-import-progress-${job.id}`} cancelTestId={`file-import-cancel-${job.id}`} onCancel={onCancel} /> : <span className="muted small">importing…</span>;
  if (job.state === 'failed') return <span className="export-error" data-testid="file-import-error">{job.error}</span>;
  if (job.state === 'cancelled') return <span className="muted small">cancelled: nothing of it was kept</span>;
  return (
    <span data-testid="file-import-done">
      imported:{' '}
      {job.output?.sessionIds?.map((id) => (
        <a key={id} href={`#/sessions/${id}`} data-testid={`file-import-open-${id}`}>
          review session {id}
        </a>
      ))}
    </span>
  );
}
