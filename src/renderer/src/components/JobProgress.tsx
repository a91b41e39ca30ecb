import type { JobState } from '../../../shared/types';
import { formatDuration } from '../format';

/** A running job's bar, percentage, time left and Cancel. */
export function JobProgress({ job, testId, cancelTestId, onCancel }: { job: JobState; testId: string; cancelTestId: string; onCancel(jobId: number): void }) {
  const { fraction, etaSeconds, stage } = job.progress;
  const eta = etaSeconds === null ? '' : `, ${formatDuration(etaSeconds * 1000)} left`;
  return (
    <span className="export-progress" data-testid={testId} title={`${job.title}${stage ? `: ${stage}` : ': starting'}`}>
      <progress max={1} value={fraction} />
      <span className="mono small">
        {(100 * fraction).toFixed(0)}%{eta}
      </span>
      <button type="button" data-testid={cancelTestId} onClick={() => onCancel(job.id)}>
        Cancel
      </button>
    </span>
  );
}
