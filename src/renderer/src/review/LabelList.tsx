import type { ReviewEvent } from '../../../shared/review';
import { formatElapsed, formatLength } from './time-axis';

/** The session's labels: select one to change its text, go to it, or delete it. */
export function LabelList({
  labels,
  selected,
  onSelect,
  onDelete,
}: {
  labels: readonly ReviewEvent[];
  selected: number | null;
  onSelect(l: ReviewEvent): void;
  onDelete(l: ReviewEvent): void;
}) {
  return (
    <section className="review-card" data-testid="label-list">
      <h3>Labels ({labels.length})</h3>
      {labels.length === 0 ? <p className="muted small">Shift+drag on a track, or drag on the time axis, then pick a label.</p> : null}
      <ul className="label-list">
        {labels.map((l) => (
          <li key={l.id} className={l.id === selected ? 'selected' : ''} data-testid="label-item">
            <button type="button" className="link" onClick={() => onSelect(l)} title="Select to change its text (type or press its hotkey)">
              {l.text}
            </button>
            <span className="mono small muted">
              {formatElapsed(l.t, 0.1)} · {formatLength(l.duration)}
            </span>
            <button type="button" className="icon" aria-label={`Delete label ${l.text}`} onClick={() => onDelete(l)} data-testid="label-delete">
              ×
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
