import { useEffect, useRef, useState } from 'react';
import type { StreamInfo } from '../../../shared/types';
import { DecimationScratch } from './decimate';
import type { DrawScheduler } from './draw-scheduler';
import { CHANNEL_COLORS, drawStrip } from './draw-strip';

interface Props {
  info: StreamInfo;
  scheduler: DrawScheduler;
}

/** CSS height of the canvas: lanes get less room as the channel count grows. */
function canvasHeight(channels: number): number {
  const lane = channels <= 1 ? 110 : channels <= 2 ? 84 : channels <= 4 ? 64 : 52;
  return Math.max(1, channels) * lane + 22;
}

/** One stream's live strip chart: a canvas drawn by the shared scheduler, with channel toggles. */
export function StripChart({ info, scheduler }: Props) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [hidden, setHidden] = useState<ReadonlySet<number>>(() => new Set());
  const infoRef = useRef(info);
  const hiddenRef = useRef(hidden);
  const layoutRef = useRef({ width: 0, height: 0, dpr: 1 });

  useEffect(() => {
    infoRef.current = info;
    hiddenRef.current = hidden;
    scheduler.request(false);
  }, [info, hidden, scheduler]);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const ctx = canvas.getContext('2d', { alpha: false });
    if (!ctx) return;
    const scratch = new DecimationScratch();

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
      drawStrip(ctx, layoutRef.current, {
        info: inf,
        buffer: source.buffer(inf.key),
        tEnd,
        windowS,
        lanes,
        scratch,
      });
    });
    return () => {
      observer.disconnect();
      unregister();
    };
  }, [scheduler]);

  const toggle = (c: number): void =>
    setHidden((prev) => {
      const next = new Set(prev);
      if (next.has(c)) next.delete(c);
      else next.add(c);
      return next;
    });

  return (
    <figure className="strip" data-testid={`strip-${info.key}`}>
      <figcaption className="strip-head">
        <span className="strip-name">{info.name}</span>
        <span className="tag">{info.kind}</span>
        <span className="muted">{info.rate > 0 ? `${formatRate(info.rate)} Hz` : 'irregular'}</span>
        <span className="muted small">{info.deviceId}</span>
        <span className="strip-toggles">
          {info.channels.map((ch, c) => (
            <label key={c} className="toggle" style={{ borderColor: CHANNEL_COLORS[c % CHANNEL_COLORS.length] }}>
              <input
                type="checkbox"
                checked={!hidden.has(c)}
                onChange={() => toggle(c)}
                data-testid={`channel-${info.key}-${c}`}
              />
              {ch.label}
              {ch.unit ? <span className="muted"> {ch.unit}</span> : null}
            </label>
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

function formatRate(rate: number): string {
  return Number.isInteger(rate) ? String(rate) : rate.toFixed(1);
}
