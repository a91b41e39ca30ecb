import { Suspense, lazy, useEffect, useMemo, useState } from 'react';
import type { PsdResult, VitalsApi } from '../../../shared/api';
import type { StreamInfo } from '../../../shared/types';
import { errorMessage } from '../format';
import { psdStreams } from '../live/stream-layout';
import { PSD_REFRESH_MS, PSD_SECONDS, psdMaxHz, psdPoints, psdUnitLabel } from './psd-data';

// Recharts is big: load it the first time a spectrum is shown, not with the live view.
const PsdChart = lazy(() => import('./PsdChart').then((m) => ({ default: m.PsdChart })));

interface Props {
  api: Pick<VitalsApi, 'getPsd'>;
  streams: readonly StreamInfo[];
}

/** Collapsible Welch PSD of one channel of a live raw stream, refreshed every 2 s while open. */
export function PsdPanel({ api, streams }: Props) {
  const [open, setOpen] = useState(false);
  const [chosenKey, setChosenKey] = useState('');
  const [chosenChannel, setChosenChannel] = useState(0);
  const [seconds, setSeconds] = useState<number>(16);
  const [fullBand, setFullBand] = useState(false);
  const [result, setResult] = useState<PsdResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  const candidates = useMemo(() => psdStreams(streams), [streams]);
  const stream = candidates.find((s) => s.key === chosenKey) ?? candidates[0];
  const key = stream?.key ?? '';
  const channel = stream && chosenChannel < stream.channels.length ? chosenChannel : 0;

  useEffect(() => {
    if (!open || !key) return;
    let cancelled = false;
    let busy = false;
    const load = (): void => {
      if (busy) return;
      busy = true;
      api.getPsd(key, channel, seconds).then(
        (r) => {
          busy = false;
          if (cancelled) return;
          setResult(r);
          setError(null);
        },
        (e: unknown) => {
          busy = false;
          if (cancelled) return;
          setResult(null);
          setError(errorMessage(e));
        },
      );
    };
    load();
    const id = setInterval(load, PSD_REFRESH_MS);
    return () => {
      cancelled = true;
      clearInterval(id);
    };
  }, [api, open, key, channel, seconds]);

  const maxHz = psdMaxHz(stream?.rate ?? 0, fullBand);
  const shown = result && result.key === key && result.channel === channel ? result : null;
  const points = useMemo(() => (shown ? psdPoints(shown, maxHz) : []), [shown, maxHz]);
  const unit = stream?.channels[channel]?.unit ?? '';

  return (
    <section className={`psd-panel${open ? ' open' : ''}`} data-testid="psd-panel">
      <header className="psd-head">
        <button type="button" className="psd-toggle" onClick={() => setOpen((o) => !o)} aria-expanded={open} data-testid="psd-toggle">
          {open ? '▾' : '▸'} Spectrum (PSD)
        </button>
        {open ? (
          <>
            <label className="field-inline">
              Stream
              <select
                value={key}
                onChange={(e) => {
                  setChosenKey(e.target.value);
                  setChosenChannel(0);
                }}
                data-testid="psd-stream"
              >
                {candidates.map((s) => (
                  <option key={s.key} value={s.key}>
                    {s.key} ({s.kind})
                  </option>
                ))}
              </select>
            </label>
            <label className="field-inline">
              Channel
              <select value={channel} onChange={(e) => setChosenChannel(Number(e.target.value))} data-testid="psd-channel">
                {(stream?.channels ?? []).map((ch, c) => (
                  <option key={c} value={c}>
                    {ch.label}
                  </option>
                ))}
              </select>
            </label>
            <label className="field-inline">
              Last
              <select value={seconds} onChange={(e) => setSeconds(Number(e.target.value))} data-testid="psd-seconds">
                {PSD_SECONDS.map((s) => (
                  <option key={s} value={s}>
                    {s} s
                  </option>
                ))}
              </select>
            </label>
            <label className="field-inline" title="Plot up to the Nyquist frequency instead of 50 Hz">
              <input type="checkbox" checked={fullBand} onChange={(e) => setFullBand(e.target.checked)} data-testid="psd-fullband" />
              full band
            </label>
          </>
        ) : null}
      </header>
      {open ? (
        <div className="psd-body">
          {candidates.length === 0 ? (
            <p className="empty">No live raw streams to analyse.</p>
          ) : error ? (
            <p className="psd-error warn-text" data-testid="psd-error">
              {error}
            </p>
          ) : null}
          <div className="psd-chart" data-testid="psd-chart" data-points={points.length}>
            {points.length > 0 ? (
              <Suspense fallback={<p className="empty">Loading chart…</p>}>
                <PsdChart points={points} maxHz={maxHz} yLabel={psdUnitLabel(unit)} />
              </Suspense>
            ) : !error && candidates.length > 0 ? (
              <p className="empty">Computing spectrum…</p>
            ) : null}
          </div>
        </div>
      ) : null}
    </section>
  );
}
