import type { ErrorItem } from './use-errors';

/** Errors from commands, each dismissable. */
export function ErrorBanner({ errors, onDismiss }: { errors: readonly ErrorItem[]; onDismiss(id: number): void }) {
  if (errors.length === 0) return null;
  return (
    <div className="error-banner" role="alert" data-testid="error-banner">
      {errors.map((e) => (
        <div key={e.id} className="error-item">
          <span className="error-text" data-testid="error-message">
            {e.message}
            {e.count > 1 ? <span className="muted"> ×{e.count}</span> : null}
          </span>
          <button type="button" className="icon" aria-label="Dismiss" onClick={() => onDismiss(e.id)} data-testid="error-dismiss">
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
