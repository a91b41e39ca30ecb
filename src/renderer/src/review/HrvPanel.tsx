import { useEffect, useState } from 'react';
import type { VitalsApi } from '../../../shared/api';
import type { HrvSummary, ReviewStream } from '../../../shared/review';
import { errorMessage } from '../format';
import type { TimeWindow } from './time-window';

interface Props {
  api: VitalsApi;
  sessionId: number;
  /** Streams with beats (ECG, PPG). */
  streams: readonly ReviewStream[];
  window: TimeWindow;
  /** Bumped after every beat edit, so the figures follow the corrected set. */
  version: number;
}

/** Asked again this long after the window stops moving. */
const SETTLE_MS = 150;

/** HR and HRV of the visible window per beat stream, from its corrected beats when edited. */
export function HrvPanel({ api, sessionId, streams, window: win, version }: Props) {
  const [results, setResults] = useState<Record<string, HrvSummary | string>>({});
  useEffect(() => {
    let stale = false;
    const id = setTimeout(() => {
      for (const s of streams) {
        api.getHrv(sessionId, s.key, win.t0, win.t1).then(
          (h) => !stale && setResults((r) => ({ ...r, [s.key]: h })),
          (e: unknown) => !stale && setResults((r) => ({ ...r, [s.key]: errorMessage(e) })),
        );
      }
    }, SETTLE_MS);
    return () => {
      stale = true;
      clearTimeout(id);
    };
  }, [api, sessionId, streams, win.t0, win.t1, version]);

  if (streams.length === 0) return null;
  return (
    <section className="review-card" data-testid="hrv-panel">
      <h3>HR / HRV of the window</h3>
      {streams.map((s) => {
        const r = results[s.key];
        return (
          <div key={s.key} className="hrv-stream" data-testid={`hrv-${s.key}`}>
            <div className="hrv-name">
              {s.name}
              {r && typeof r !== 'string' ? (
                <span className={`badge ${r.set === 'corrected' ? 'warn' : ''}`} data-testid={`hrv-set-${s.key}`} title={r.set === 'corrected' ? 'from your edited beats' : "from the detector's beats"}>
                  {r.set}
                </span>
              ) : null}
            </div>
            {r === undefined ? (
              <p className="muted small">computing…</p>
            ) : typeof r === 'string' ? (
              <p className="muted small" data-testid={`hrv-unavailable-${s.key}`}>
                HRV is not available here: {r}
              </p>
            ) : (
              <dl
                className={`kv${r.t0 !== win.t0 || r.t1 !== win.t1 ? ' stale' : ''}`}
                title={r.t0 !== win.t0 || r.t1 !== win.t1 ? 'updating for the window shown…' : undefined}
                data-testid={`hrv-values-${s.key}`} data-range={`${r.t0},${r.t1}`} data-nn={r.nn} data-sdnn={r.sdnnMs ?? ''} data-rmssd={r.rmssdMs ?? ''}>
                <dt>mean HR</dt>
                <dd>{fmt(r.meanHrBpm, 1, 'bpm')}</dd>
                <dt>SDNN</dt>
                <dd>{fmt(r.sdnnMs, 1, 'ms')}</dd>
                <dt>RMSSD</dt>
                <dd>{fmt(r.rmssdMs, 1, 'ms')}</dd>
                <dt>NN / beats</dt>
                <dd>
                  {r.nn} / {r.beats}
                </dd>
                {r.pnn50 !== null ? (
                  <>
                    <dt>pNN50</dt>
                    <dd>{fmt(r.pnn50, 1, '%')}</dd>
                  </>
                ) : null}
              </dl>
            )}
          </div>
        );
      })}
    </section>
  );
}

function fmt(v: number | null, decimals: number, unit: string): string {
  return v === null || !Number.isFinite(v) ? '—' : `${v.toFixed(decimals)} ${unit}`;
}
