import { useEffect, useState } from 'react';
import { PROTOCOL_EXTEND_S, type ProtocolRunState } from '../../../shared/protocol';
import { formatDuration } from '../format';
import type { Recording } from './use-recording';

/** The running protocol: step, instructions, countdown, progress, next step, and its controls (P, N, E). */
export function ProtocolPanel({ rec }: { rec: Recording }) {
  const run = rec.protocolRun;
  const remaining = useCountdown(run);
  if (!run) return null;
  if (run.done) {
    return (
      <section className="protocol-panel done" aria-label="Protocol" data-testid="protocol-panel">
        <strong>{run.protocol}</strong>
        <span data-testid="protocol-step">Protocol done</span>
        <span className="muted">the recording goes on until you stop it</span>
      </section>
    );
  }
  const step = run.steps[run.index];
  return (
    <section className="protocol-panel" aria-label="Protocol" data-testid="protocol-panel">
      <div className="protocol-head">
        <strong>{run.protocol}</strong>
        <span className="muted" data-testid="protocol-progress">
          step {run.index + 1} of {run.steps.length}
        </span>
        <progress max={run.steps.length} value={run.index + Math.min(1, (step.duration_s - remaining) / step.duration_s)} aria-label="Progress through the steps" />
      </div>
      <div className="protocol-body">
        <span className="protocol-step" data-testid="protocol-step">
          {run.step}
        </span>
        <span className={`protocol-countdown mono${run.paused ? ' paused' : ''}`} data-testid="protocol-countdown" title="Time left in this step (mm:ss)">
          {formatDuration(Math.ceil(remaining) * 1000)}
          {run.paused ? ' (paused)' : ''}
        </span>
        <span className="protocol-instructions" data-testid="protocol-instructions">
          {run.instructions}
        </span>
        <span className="muted" data-testid="protocol-next">
          {run.next ? `Next: ${run.next}` : 'Last step'}
        </span>
      </div>
      <div className="protocol-buttons">
        <button type="button" onClick={() => void rec.toggleProtocolPause()} data-testid="protocol-pause" title="Pause or resume the step's clock (P)">
          {run.paused ? '▶ Resume' : '❚❚ Pause'}
        </button>
        <button type="button" onClick={() => void rec.skipStep()} data-testid="protocol-skip" title="End this step now (N)">
          ⏭ Skip
        </button>
        <button type="button" onClick={() => void rec.extendStep()} data-testid="protocol-extend" title={`Add ${PROTOCOL_EXTEND_S} s to this step (E)`}>
          +{PROTOCOL_EXTEND_S} s
        </button>
      </div>
    </section>
  );
}

/** Seconds left in the step, counted down here between the engine's pushes (about one a second). */
function useCountdown(run: ProtocolRunState | null): number {
  const [received, setReceived] = useState(() => ({ run, at: Date.now() }));
  const [now, setNow] = useState(() => Date.now());
  if (received.run !== run) setReceived({ run, at: Date.now() });
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(id);
  }, []);
  if (!run) return 0;
  return run.paused ? run.remaining_s : Math.max(0, run.remaining_s - Math.max(0, now - received.at) / 1000);
}
