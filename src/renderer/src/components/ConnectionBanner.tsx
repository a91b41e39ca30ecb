import { useEffect, useState } from 'react';
import type { ConnectionState } from '../api/connection';

/** Shown while the link to the engine (web mode) is down. */
export function ConnectionBanner({ state, onRetry }: { state: ConnectionState | null; onRetry?: () => void }) {
  const [now, setNow] = useState(() => Date.now());
  const down = state?.kind === 'disconnected' || state?.kind === 'closed';
  useEffect(() => {
    if (!down) return;
    const id = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(id);
  }, [down]);
  if (!state || !down) return null;
  const wait = state.kind === 'disconnected' ? Math.max(0, Math.ceil((state.retryAt - now) / 1000)) : null;
  return (
    <div className="conn-banner" role="status" data-testid="engine-disconnected">
      <strong>Disconnected from engine.</strong> <span>{state.reason}</span>
      {wait !== null ? <span className="muted"> Reconnecting{wait > 0 ? ` in ${wait} s` : '…'}</span> : null}
      {onRetry && state.kind === 'disconnected' ? (
        <button type="button" onClick={onRetry}>
          Retry now
        </button>
      ) : null}
    </div>
  );
}
