import { useState } from 'react';
import type { PreflightResult } from '../../../shared/preflight';
import type { Recording } from './use-recording';

/** Stream kinds offered as required; others can be required from the CLI by name. */
const KINDS = ['ecg', 'ppg', 'imu', 'eeg', 'resp', 'eda', 'temp'];

function summary(preflight: PreflightResult | null): string {
  if (!preflight) return 'Pre-flight: off';
  if (preflight.passed) return 'Pre-flight: ok';
  const failed = preflight.items.filter((i) => i.status !== 'ok').length;
  return `Pre-flight: ${failed} of ${preflight.items.length} not ready`;
}

/**
 * The pre-flight check in the recording bar: which streams a recording needs, each one's status
 * live (ok / missing / poor, and why), and an override with a reason when one is not ready.
 */
export function PreflightPanel({ rec }: { rec: Recording }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState<string | null>(null);
  const preflight = rec.preflight;
  const required = preflight?.required ?? [];
  const toggleKind = (kind: string, on: boolean) => void rec.setRequired(on ? [...required, kind] : required.filter((k) => k !== kind));
  const state = !preflight ? 'off' : preflight.passed ? 'ok' : 'failed';
  return (
    <span className="preflight">
      <button type="button" className={`preflight-toggle preflight-${state}`} onClick={() => setOpen((o) => !o)} aria-expanded={open} data-testid="preflight-toggle" title="Streams required before recording">
        {summary(preflight)} ▾
      </button>
      {open ? (
        <div className="preflight-panel" role="dialog" aria-label="Pre-flight check" data-testid="preflight-panel">
          <div className="preflight-kinds">
            Required:
            {KINDS.map((kind) => (
              <label key={kind}>
                <input type="checkbox" checked={required.includes(kind)} onChange={(e) => toggleKind(kind, e.target.checked)} data-testid={`preflight-require-${kind}`} />
                {kind.toUpperCase()}
              </label>
            ))}
          </div>
          {preflight ? (
            <ul className="preflight-items">
              {preflight.items.map((item) => (
                <li key={item.stream} className={`preflight-${item.status}`} data-testid={`preflight-item-${item.stream}`}>
                  <strong>{item.status}</strong> {item.why}
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted small">No stream required: Record starts at once.</p>
          )}
          {preflight && !preflight.passed && !rec.active ? (
            reason === null ? (
              <button type="button" onClick={() => setReason('')} data-testid="preflight-override">
                Override…
              </button>
            ) : (
              <span className="preflight-override">
                <input
                  type="text"
                  placeholder="Why record anyway?"
                  value={reason}
                  autoFocus
                  onChange={(e) => setReason(e.target.value)}
                  onKeyDown={(e) => {
                    if (e.key === 'Escape') setReason(null);
                  }}
                  aria-label="Override reason"
                  data-testid="preflight-reason"
                />
                <button
                  type="button"
                  className="record"
                  disabled={!reason.trim() || rec.busy}
                  onClick={() => {
                    void rec.startOverriding(reason.trim());
                    setReason(null);
                    setOpen(false);
                  }}
                  data-testid="preflight-override-record"
                >
                  ● Record anyway
                </button>
              </span>
            )
          ) : null}
        </div>
      ) : null}
    </span>
  );
}
