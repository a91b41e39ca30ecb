import { useMemo, useState } from 'react';
import type { VitalsApi } from '../../../shared/api';
import type { JobState, SessionSummary } from '../../../shared/types';
import { errorMessage } from '../format';
import { DEFAULT_DATASET_FORM, datasetRequest, finishedSessions, LABEL_SOURCE_IDS, LABEL_SOURCE_NAMES, rawStreamNames, type Around, type DatasetForm } from './dataset-request';
import { JobProgress } from '../components/JobProgress';
import { useModalForm } from './use-modal-form';

interface Props {
  api: Pick<VitalsApi, 'buildDataset' | 'cancelJob'>;
  /** Every session of the library, and those its search and filters show now (offered to tick). */
  sessions: readonly SessionSummary[];
  shown: readonly SessionSummary[];
  /** The engine's jobs: the build started here shows its progress, then its manifest and counts. */
  jobs: readonly JobState[];
  onClose(): void;
}

type Fields = Omit<DatasetForm, 'sessions' | 'streams'>;

const AROUND: { id: Around; label: string }[] = [
  { id: 'sliding', label: 'sliding, by the step' },
  { id: 'beats', label: 'centred on the first stream’s beats' },
  { id: 'markers', label: 'centred on the markers' },
];
const SPLIT_NAMES = ['train', 'val', 'test'] as const;

/**
 * Builds an ML dataset with the CLI's choices (`vitalscope dataset`): sessions (the library's
 * filtered list, ticked, or every finished one), streams, windows, rate, labels, split, seed,
 * workers, .npy shards and folder; then the job's progress with Cancel, and the manifest with the
 * counts per split. Modal: Escape closes, Enter builds; the app's keys stay quiet meanwhile.
 */
export function DatasetDialog({ api, sessions, shown, jobs, onClose }: Props) {
  const offered = useMemo(() => finishedSessions(shown), [shown]);
  const finished = useMemo(() => finishedSessions(sessions), [sessions]);
  // A narrowed library list is what the user meant to build from; the whole library otherwise.
  const [allSessions, setAllSessions] = useState(offered.length === finished.length);
  const [ticked, setTicked] = useState<number[]>(() => offered.map((s) => s.id));
  // Streams unticked, so that a stream new to the union (another session ticked) starts ticked.
  const [offStreams, setOffStreams] = useState<string[]>([]);
  const [fields, setFields] = useState<Fields>(DEFAULT_DATASET_FORM);
  const [error, setError] = useState<string | null>(null);
  const [jobId, setJobId] = useState<number | null>(null);


  const chosenSessions = allSessions ? finished : offered.filter((s) => ticked.includes(s.id));
  const streams = rawStreamNames(chosenSessions);
  const chosenStreams = streams.filter((s) => !offStreams.includes(s));
  const job = jobId === null ? null : (jobs.find((j) => j.id === jobId) ?? null);
  const running = job?.state === 'running' || (jobId !== null && !job);
  const set = <K extends keyof Fields>(key: K, value: Fields[K]): void => setFields((f) => ({ ...f, [key]: value }));

  const start = (): void => {
    if (running) return;
    let request;
    try {
      request = datasetRequest({ ...fields, sessions: allSessions ? 'all' : chosenSessions.map((s) => s.id), streams: chosenStreams });
    } catch (e) {
      setError(errorMessage(e));
      return;
    }
    setError(null);
    api.buildDataset(request).then(
      (j) => setJobId(j.id),
      (e: unknown) => setError(errorMessage(e)),
    );
  };

  const { dialog, onKeyDown } = useModalForm(start);

  const numberField = (key: 'window' | 'step' | 'rate' | 'seed' | 'workers', label: string, unit: string, placeholder?: string, disabled = false) => (
    <label className="field-inline">
      {label}
      <input type="number" min={0} step="any" className="seconds" aria-label={label} data-testid={`dataset-${key}`} value={fields[key]} placeholder={placeholder} disabled={disabled} onChange={(e) => set(key, e.target.value)} />
      {unit}
    </label>
  );

  return (
    <dialog ref={dialog} className="confirm-dialog export-dialog dataset-dialog" data-testid="dataset-dialog" aria-labelledby="dataset-dialog-title" onCancel={onClose} onKeyDown={onKeyDown}>
      <h3 id="dataset-dialog-title">Build a dataset</h3>
      <fieldset disabled={running}>
        <legend>Sessions</legend>
        <label className="export-choice">
          <input type="radio" name="dataset-sessions" checked={allSessions} onChange={() => setAllSessions(true)} data-testid="dataset-sessions-all" />
          Every finished session ({finished.length})
        </label>
        <label className="export-choice">
          <input type="radio" name="dataset-sessions" checked={!allSessions} onChange={() => setAllSessions(false)} data-testid="dataset-sessions-chosen" />
          These of the library’s list ({ticked.filter((id) => offered.some((s) => s.id === id)).length} of {offered.length} ticked):
        </label>
        <div className="dataset-sessions">
          {offered.map((s) => (
            <label key={s.id} className="export-choice">
              <input
                type="checkbox"
                checked={ticked.includes(s.id)}
                disabled={allSessions}
                data-testid={`dataset-session-${s.id}`}
                onChange={(e) => setTicked(e.target.checked ? [...ticked, s.id] : ticked.filter((id) => id !== s.id))}
              />
              {s.name} <span className="muted small">#{s.id}{s.participant ? `, ${s.participant}` : ''}</span>
            </label>
          ))}
          {offered.length === 0 ? <span className="muted small">no finished session in the list</span> : null}
        </div>
      </fieldset>
      <fieldset disabled={running}>
        <legend>Streams</legend>
        {streams.map((name) => (
          <label key={name} className="export-choice">
            <input type="checkbox" checked={!offStreams.includes(name)} data-testid={`dataset-stream-${name}`} onChange={(e) => setOffStreams(e.target.checked ? offStreams.filter((s) => s !== name) : [...offStreams, name])} />
            <span className="mono">{name}</span>
          </label>
        ))}
        {streams.length === 0 ? <span className="muted small">the sessions chosen have no recorded stream</span> : null}
      </fieldset>
      <fieldset disabled={running}>
        <legend>Windows</legend>
        {AROUND.map((a) => (
          <label key={a.id} className="export-choice">
            <input type="radio" name="dataset-around" checked={fields.around === a.id} onChange={() => set('around', a.id)} data-testid={`dataset-around-${a.id}`} />
            {a.label}
          </label>
        ))}
        {numberField('window', 'Window', 's')} {numberField('step', 'Step', 's', 'the window', fields.around !== 'sliding')} {numberField('rate', 'Rate', 'Hz', 'each its own')}
      </fieldset>
      <fieldset disabled={running}>
        <legend>Labels from</legend>
        {LABEL_SOURCE_IDS.map((l) => (
          <label key={l} className="field-inline">
            <input type="checkbox" checked={fields.labels.includes(l)} data-testid={`dataset-label-${l}`} onChange={(e) => set('labels', e.target.checked ? [...fields.labels, l] : fields.labels.filter((x) => x !== l))} />
            {LABEL_SOURCE_NAMES[l]}
          </label>
        ))}
      </fieldset>
      <fieldset disabled={running}>
        <legend>Split by participant</legend>
        {SPLIT_NAMES.map((name, i) => (
          <label key={name} className="field-inline">
            {name}
            <input
              type="number"
              min={0}
              step="any"
              className="seconds"
              aria-label={`Split share: ${name}`}
              data-testid={`dataset-split-${name}`}
              value={fields.split[i]}
              onChange={(e) => set('split', fields.split.map((v, k) => (k === i ? e.target.value : v)) as [string, string, string])}
            />
          </label>
        ))}{' '}
        {numberField('seed', 'Seed', '')}
      </fieldset>
      <fieldset disabled={running}>
        <legend>Output</legend>
        {numberField('workers', 'Workers', 'threads')}{' '}
        <label className="field-inline">
          <input type="checkbox" checked={fields.npy} data-testid="dataset-npy" onChange={(e) => set('npy', e.target.checked)} />
          .npy shards too
        </label>
        <label className="export-choice">
          Folder{' '}
          <input type="text" className="dataset-out" aria-label="Dataset folder (on the engine’s machine)" placeholder="empty: a new folder in the library’s datasets folder" data-testid="dataset-out" value={fields.out} onChange={(e) => set('out', e.target.value)} />
        </label>
        <label className="export-choice">
          <input type="checkbox" checked={fields.overwrite} data-testid="dataset-overwrite" onChange={(e) => set('overwrite', e.target.checked)} />
          replace a dataset built there with other choices
        </label>
      </fieldset>
      {error ? (
        <div className="export-error" role="alert" data-testid="dataset-dialog-error">
          {error}
        </div>
      ) : null}
      {job ? <DatasetOutcome job={job} onCancel={(id) => void api.cancelJob(id).catch((e: unknown) => setError(errorMessage(e)))} /> : null}
      <div className="dialog-buttons">
        <button type="button" data-testid="dataset-close" onClick={onClose} title={running ? 'the build goes on; its progress shows in the sessions library' : undefined}>
          Close
        </button>
        <button type="button" data-testid="dataset-start" disabled={running} onClick={start}>
          {job && !running ? 'Build again' : 'Build'}
        </button>
      </div>
    </dialog>
  );
}

/** The build's progress bar and Cancel while it runs; then its manifest and counts per split, or why not. */
function DatasetOutcome({ job, onCancel }: { job: JobState; onCancel(jobId: number): void }) {
  if (job.state === 'running') return <JobProgress job={job} testId="dataset-dialog-progress" cancelTestId="dataset-dialog-cancel" onCancel={onCancel} />;
  const splits = job.output?.splits;
  if (job.state === 'done') {
    return (
      <div className="small" data-testid="dataset-dialog-result">
        Manifest: <span className="mono" data-testid="dataset-manifest">{job.output?.files?.[0]}</span>
        {splits ? (
          <table className="table dataset-counts" data-testid="dataset-counts">
            <thead>
              <tr>
                <th>split</th>
                <th className="num">sessions</th>
                <th className="num">participants</th>
                <th className="num">windows</th>
              </tr>
            </thead>
            <tbody>
              {SPLIT_NAMES.map((s) => (
                <tr key={s} data-testid={`dataset-count-${s}`}>
                  <td>{s}</td>
                  <td className="num">{splits[s].sessions}</td>
                  <td className="num">{splits[s].participants}</td>
                  <td className="num">{splits[s].windows}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </div>
    );
  }
  return (
    <div className={`small ${job.state === 'failed' ? 'export-error' : 'muted'}`} data-testid="dataset-dialog-result">
      {job.state === 'cancelled' ? `${job.title} cancelled: its finished parts are kept; build again into that folder with the same choices to resume` : job.error}
    </div>
  );
}
