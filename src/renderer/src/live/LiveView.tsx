import { useEffect, useMemo, useRef, useState } from 'react';
import type { VitalsApi } from '../../../shared/api';
import type { AnalysisState, StreamInfo } from '../../../shared/types';
import { NumericTiles } from '../analysis/NumericTiles';
import { PsdPanel } from '../analysis/PsdPanel';
import { DrawScheduler, type DrawContext } from './draw-scheduler';
import { LiveStore, type LiveSource } from './live-store';
import { quantile } from '../../../shared/quantile';
import { perfCounters } from './perf';
import { chartEntries, usableChannel } from './stream-layout';
import { StripChart } from './StripChart';

export const WINDOW_CHOICES = [2, 5, 10, 30] as const;

interface Props {
  api: VitalsApi;
  streams: readonly StreamInfo[];
  paused: boolean;
  onTogglePause(): void;
  /** The live analysis's figures and health; null before the first status. */
  analysis?: AnalysisState | null;
  /** Every chart shows its filtered view (F); flipping it resets the per-channel choices. */
  filterAll?: boolean;
  onToggleFilterAll?(): void;
}

/** Live strip charts of every stream the engine publishes. */
export function LiveView({ api, streams, paused, onTogglePause, analysis, filterAll = false, onToggleFilterAll }: Props) {
  const [windowS, setWindowS] = useState(10);
  const store = useMemo(() => new LiveStore(), []);
  const view = useRef<{ windowS: number; frozen: LiveSource | null }>({ windowS, frozen: null });

  const scheduler = useMemo(
    () =>
      new DrawScheduler(
        (): DrawContext => {
          const frozen = view.current.frozen;
          // Live, the right edge is the engine's "now", so traces scroll smoothly between frames.
          const tEnd = frozen ? frozen.newestTime : store.streaming ? store.engineNow() : store.newestTime;
          return { source: frozen ?? store, tEnd, windowS: view.current.windowS };
        },
        () => store.newestStamp,
        () => !view.current.frozen && store.streaming,
      ),
    [store],
  );

  useEffect(() => () => scheduler.dispose(), [scheduler]);

  useEffect(() => api.onFrame((frame) => store.push(frame)), [api, store]);

  useEffect(
    () =>
      store.onData(() => {
        if (!view.current.frozen) scheduler.request(true);
      }),
    [store, scheduler],
  );

  useEffect(() => store.setStreams(streams), [store, streams]);

  const charts = useMemo(() => chartEntries(streams), [streams]);
  const anyFilter = charts.some((c) => c.companion);
  const usableOf = useMemo(() => new Map(charts.map((c) => [c.info.key, usableChannel(c.info, streams)])), [charts, streams]);

  useEffect(() => {
    view.current.windowS = windowS;
    scheduler.request(false);
  }, [windowS, scheduler]);

  useEffect(() => {
    view.current.frozen = paused ? store.snapshot() : null;
    scheduler.request(!paused);
  }, [paused, store, scheduler]);

  return (
    <section className="panel live" aria-label="Live view">
      <header className="panel-head">
        <h2>Live</h2>
        <label className="field-inline">
          Window
          <select
            value={windowS}
            onChange={(e) => setWindowS(Number(e.target.value))}
            data-testid="live-window"
          >
            {WINDOW_CHOICES.map((w) => (
              <option key={w} value={w}>
                {w} s
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={onTogglePause} data-testid="live-pause" className={paused ? 'primary' : ''}>
          {paused ? 'Resume' : 'Pause'}
        </button>
        {paused ? <span className="badge warn">paused</span> : null}
        {anyFilter && onToggleFilterAll ? (
          <button
            type="button"
            onClick={onToggleFilterAll}
            className={filterAll ? 'primary' : ''}
            aria-pressed={filterAll}
            title="Show every channel band-pass filtered, or all raw (F)"
            data-testid="live-filter-all"
          >
            {filterAll ? 'Filtered' : 'Raw'} (F)
          </button>
        ) : null}
        <span className="spacer" />
        <PerfReadout />
      </header>
      <div className="live-charts">
        {streams.length > 0 ? <NumericTiles analysis={analysis} streams={streams} /> : null}
        {charts.length === 0 ? (
          <p className="empty">No live streams. Connect a device to see its signals here.</p>
        ) : (
          charts.map(({ info, companion }) => (
            <StripChart
              key={info.key}
              info={info}
              companion={companion}
              scheduler={scheduler}
              filterAll={filterAll}
              usable={usableOf.get(info.key)}
              unusable={analysis?.numerics.find((n) => n.key === info.key && n.unusable)?.unusable}
            />
          ))
        )}
        {charts.length > 0 ? <PsdPanel api={api} streams={streams} /> : null}
      </div>
    </section>
  );
}

/** Frames per second and p95 sample-to-pixel latency of the live view, refreshed every second. */
function PerfReadout() {
  const [text, setText] = useState('');
  useEffect(() => {
    const perf = perfCounters();
    let lastFrames = perf.frames;
    let lastAt = performance.now();
    const id = setInterval(() => {
      const now = performance.now();
      const fps = ((perf.frames - lastFrames) * 1000) / (now - lastAt);
      lastFrames = perf.frames;
      lastAt = now;
      const p95 = quantile(perf.latencies.slice(-120), 0.95);
      setText(`${fps.toFixed(0)} fps${Number.isFinite(p95) ? ` · p95 ${p95.toFixed(0)} ms` : ''}`);
    }, 1000);
    return () => clearInterval(id);
  }, []);
  return (
    <span className="muted small mono" data-testid="live-perf" title="Frames drawn per second · 95th percentile sample-to-pixel latency">
      {text}
    </span>
  );
}
