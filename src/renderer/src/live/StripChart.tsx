import { useEffect, useRef, useState } from 'react';
import type { StreamInfo } from '../../../shared/types';
import { DecimationScratch } from './decimate';
import type { DrawScheduler } from './draw-scheduler';
import { CHANNEL_COLORS, drawStrip } from './draw-strip';

interface Props {
  info: StreamInfo;
  /** The live-only filtered view of this stream, when the engine publishes one. */
  companion?: StreamInfo;
  scheduler: DrawScheduler;
  /** Set all channels to filtered (true) or raw (false) whenever this changes (the F shortcut). */
  filterAll?: boolean;
  /** The metrics channel flagging where this stream was judged unusable, drawn as shaded bands. */
  usable?: { key: string; channel: number };
  /** Why the stream is judged unusable now (the badge's tooltip); absent while it is usable. */
  unusable?: string;
}

/** How often (ms) the canvas's data-marks, data-model-marks and data-unusable-s attributes may change. */
const MARKS_ATTR_INTERVAL_MS = 250;
const EMPTY: ReadonlySet<number> = new Set();

/** CSS height of the canvas: lanes get less room as the channel count grows. */
function canvasHeight(channels: number): number {
  const lane = channels <= 1 ? 110 : channels <= 2 ? 84 : channels <= 4 ? 64 : 52;
  return Math.max(1, channels) * lane + 22;
}

/** One stream's live strip chart: a canvas drawn by the shared scheduler, with channel toggles. */
export function StripChart({ info, companion, scheduler, filterAll = false, usable, unusable }: Props) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [hidden, setHidden] = useState<ReadonlySet<number>>(() => new Set());
  const [filtered, setFiltered] = useState<ReadonlySet<number>>(EMPTY);
  // The F shortcut flips every chart: follow the flag when it changes (state derived from props).
  const [seenFilterAll, setSeenFilterAll] = useState(filterAll);
  if (seenFilterAll !== filterAll) {
    setSeenFilterAll(filterAll);
    setFiltered(filterAll ? new Set(info.channels.map((_, c) => c)) : EMPTY);
  }
  const infoRef = useRef(info);
  const hiddenRef = useRef(hidden);
  const filteredRef = useRef<ReadonlySet<number>>(filtered);
  const companionRef = useRef(companion);
  const usableRef = useRef(usable);
  const layoutRef = useRef({ width: 0, height: 0, dpr: 1 });

  useEffect(() => {
    infoRef.current = info;
    hiddenRef.current = hidden;
    filteredRef.current = companion ? filtered : EMPTY;
    companionRef.current = companion;
    usableRef.current = usable;
    scheduler.request(false);
  }, [info, hidden, filtered, companion, usable, scheduler]);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const ctx = canvas.getContext('2d', { alpha: false });
    if (!ctx) return;
    const scratch = new DecimationScratch();
    let shown = '';
    let marksAttrAt = -Infinity;

    const resize = (): void => {
      const dpr = window.devicePixelRatio || 1;
      const rect = canvas.getBoundingClientRect();
      const width = Math.max(1, Math.round(rect.width));
      const height = Math.max(1, Math.round(rect.height));
      const l = layoutRef.current;
      if (l.width === width && l.height === height && l.dpr === dpr) return;
      layoutRef.current = { width, height, dpr };
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(height * dpr);
      scheduler.request(false);
    };
    resize();
    const observer = new ResizeObserver(resize);
    observer.observe(canvas);

    const unregister = scheduler.register(({ source, tEnd, windowS }) => {
      const inf = infoRef.current;
      const lanes = inf.channels.map((_, c) => c).filter((c) => !hiddenRef.current.has(c));
      const comp = companionRef.current;
      const flags = usableRef.current;
      const flagBuffer = flags ? source.buffer(flags.key) : undefined;
      const counts = drawStrip(ctx, layoutRef.current, {
        info: inf,
        buffer: source.buffer(inf.key),
        tEnd,
        windowS,
        lanes,
        scratch,
        filteredBuffer: comp ? source.buffer(comp.key) : undefined,
        filtered: filteredRef.current,
        marks: source.marks(inf.key),
        markKind: inf.kind === 'imu' ? 'step' : 'beat',
        modelMarks: source.modelMarks(inf.key),
        usable: flags && flagBuffer ? { buffer: flagBuffer, channel: flags.channel } : undefined,
      });
      // For tests and curious users: how many marks the canvas shows, refreshed a few times a second.
      const now = performance.now();
      const unusableS = Math.round(counts.unusableS);
      const signature = `${counts.marks}/${counts.modelMarks}/${unusableS}`;
      if (signature !== shown && now - marksAttrAt >= MARKS_ATTR_INTERVAL_MS) {
        canvas.dataset.marks = String(counts.marks);
        canvas.dataset.modelMarks = String(counts.modelMarks);
        canvas.dataset.unusableS = String(unusableS);
        shown = signature;
        marksAttrAt = now;
      }
    });
    return () => {
      observer.disconnect();
      unregister();
    };
  }, [scheduler]);

  const toggle = (c: number): void => setHidden((prev) => flip(prev, c));
  const toggleFiltered = (c: number): void => setFiltered((prev) => flip(prev, c));

  return (
    <figure className="strip" data-testid={`strip-${info.key}`}>
      <figcaption className="strip-head">
        <span className="strip-name">{info.name}</span>
        <span className="tag">{info.kind}</span>
        <span className="muted">{info.rate > 0 ? `${formatRate(info.rate)} Hz` : 'irregular'}</span>
        <span className="muted small">{info.deviceId}</span>
        {unusable ? (
          <span className="q-badge q-poor" title={unusable} data-testid={`unusable-${info.key}`}>
            {info.kind.toUpperCase()} unusable
          </span>
        ) : null}
        <span className="strip-toggles">
          {info.channels.map((ch, c) => (
            <span key={c} className="toggle" style={{ borderColor: CHANNEL_COLORS[c % CHANNEL_COLORS.length] }}>
              <label className="toggle-label">
                <input
                  type="checkbox"
                  checked={!hidden.has(c)}
                  onChange={() => toggle(c)}
                  data-testid={`channel-${info.key}-${c}`}
                />
                {ch.label}
                {ch.unit ? <span className="muted"> {ch.unit}</span> : null}
              </label>
              {companion ? (
                <button
                  type="button"
                  className={`filt-toggle${filtered.has(c) ? ' on' : ''}`}
                  aria-pressed={filtered.has(c)}
                  title={filtered.has(c) ? `${ch.label}: band-pass filtered (click for raw)` : `${ch.label}: raw (click for filtered)`}
                  onClick={() => toggleFiltered(c)}
                  data-testid={`filter-${info.key}-${c}`}
                >
                  {filtered.has(c) ? 'filt' : 'raw'}
                </button>
              ) : null}
            </span>
          ))}
        </span>
      </figcaption>
      <canvas
        ref={canvasRef}
        data-stream={info.key}
        className="strip-canvas"
        style={{ height: canvasHeight(info.channels.length) }}
      />
    </figure>
  );
}

function flip(set: ReadonlySet<number>, c: number): ReadonlySet<number> {
  const next = new Set(set);
  if (next.has(c)) next.delete(c);
  else next.add(c);
  return next;
}

function formatRate(rate: number): string {
  return Number.isInteger(rate) ? String(rate) : rate.toFixed(1);
}
