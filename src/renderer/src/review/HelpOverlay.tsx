import { REVIEW_HELP } from './review-keys';

/** The review's keys and gestures (? toggles it, Esc closes it). */
export function HelpOverlay({ onClose }: { onClose(): void }) {
  return (
    <div className="help-overlay" role="dialog" aria-label="Review keys and gestures" onClick={onClose} data-testid="review-help">
      <div className="help-card" onClick={(e) => e.stopPropagation()}>
        <header className="panel-head">
          <h2>Review: keys and gestures</h2>
          <span className="spacer" />
          <button type="button" className="icon" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </header>
        <table className="table">
          <tbody>
            {REVIEW_HELP.map(([keys, what]) => (
              <tr key={keys}>
                <td className="mono">{keys}</td>
                <td>{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
