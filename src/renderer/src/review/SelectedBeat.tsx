import type { BeatSeries } from '../../../shared/review';
import { formatElapsed } from './time-axis';

/** The selected beat, with its delete and reject/un-reject actions (also Del and X). */
export function SelectedBeat({
  beat,
  beats,
  onDelete,
  onReject,
}: {
  beat: { key: string; index: number } | null;
  beats: Record<string, BeatSeries>;
  onDelete(): void;
  onReject(): void;
}) {
  const b = beat ? beats[beat.key] : undefined;
  const t = beat && b ? b.t[beat.index] : undefined;
  if (!beat || !b || t === undefined) return null;
  const rejected = b.rejected[beat.index];
  const cls = b.classes?.[beat.index];
  return (
    <section className="review-card" data-testid="selected-beat">
      <h3>Selected beat</h3>
      <p className="mono small">
        {beat.key} at {formatElapsed(t, 0.001)}
        {rejected ? ' · rejected' : ''}
        <span data-testid="beat-class">{cls ? ` · class ${cls}` : ' · no class (N, V, S, F, Q set one)'}</span>
      </p>
      <button type="button" onClick={onDelete} title="A false detection: remove it (Del)" data-testid="beat-delete">
        Delete (Del)
      </button>{' '}
      <button type="button" onClick={onReject} title="An artifact: keep it out of HRV (X)" data-testid="beat-reject">
        {rejected ? 'Un-reject (X)' : 'Reject (X)'}
      </button>
    </section>
  );
}
