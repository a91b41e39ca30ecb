import { USABLE_LAG_S, unusableStretches } from '../../../shared/ecg-usable';
import type { StreamInfo } from '../../../shared/types';
import { DecimationScratch, decimateMinMax, extent, paddedRange } from './decimate';
import { drawModelMarks } from './draw-model-marks';
import type { ModelMarks } from './live-store';
import type { MarkBuffer } from './mark-buffer';
import type { RingBuffer, WindowView } from './ring-buffer';
import { formatTick, niceStep, ticksWithin } from './ticks';

export const CHANNEL_COLORS = ['#4fc3f7', '#f48fb1', '#aed581', '#ffb74d', '#ce93d8', '#4db6ac', '#e57373', '#fff59d'];

export const THEME = {
  background: '#0b1016',
  plot: '#0f161e',
  grid: 'rgba(148, 163, 184, 0.12)',
  axis: 'rgba(148, 163, 184, 0.35)',
  text: '#8b98a8',
  label: '#d5dde7',
  beatLine: 'rgba(251, 191, 36, 0.22)',
  beatMark: '#fbbf24',
  stepLine: 'rgba(74, 222, 128, 0.22)',
  stepMark: '#4ade80',
  /** Stretches judged unusable (noise): the quality colour for poor, faint. */
  unusable: 'rgba(248, 113, 113, 0.13)',
  font: '10px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
  labelFont: '600 11px system-ui, -apple-system, Segoe UI, sans-serif',
};

/** Plot margins in CSS pixels. */
const GUTTER_LEFT = 58;
const PAD_RIGHT = 10;
const PAD_TOP = 4;
const AXIS_BOTTOM = 18;

export interface StripLayout {
  /** CSS pixels. */
  width: number;
  height: number;
  dpr: number;
}

export interface StripParams {
  info: StreamInfo;
  buffer: RingBuffer | undefined;
  tEnd: number;
  windowS: number;
  /** Channel indices to draw, each in its own lane. */
  lanes: readonly number[];
  scratch: DecimationScratch;
  /** The filtered companion stream's buffer (same channels), for lanes in `filtered`. */
  filteredBuffer?: RingBuffer;
  /** Channels drawn from `filteredBuffer` instead of `buffer`. */
  filtered?: ReadonlySet<number>;
  /** Beat or step marks to draw on every lane. */
  marks?: MarkBuffer;
  markKind?: 'beat' | 'step';
  /** Attached models' class marks (e.g. "V"), drawn as coloured letters at the top of the first lane. */
  modelMarks?: readonly ModelMarks[];
  /** The metrics buffer and channel flagging where this stream was judged unusable: shaded bands. */
  usable?: { buffer: RingBuffer; channel: number };
}

/** What a strip shows within its window: beat or step marks, model marks, and seconds shaded unusable. */
export interface StripCounts {
  marks: number;
  modelMarks: number;
  unusableS: number;
}

/** Fewer samples than one per this many pixels: each sample also gets a dot (1 Hz metrics stay visible). */
const DOT_SPACING_PX = 6;

/**
 * Draw one stream's strip chart: a lane per channel, autoscaled, min/max-decimated, with beat or
 * step marks and model marks. Returns the number of each drawn (within the window).
 */
export function drawStrip(ctx: CanvasRenderingContext2D, layout: StripLayout, p: StripParams): StripCounts {
  const { width, height, dpr } = layout;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = THEME.background;
  ctx.fillRect(0, 0, width, height);

  const left = GUTTER_LEFT;
  const right = width - PAD_RIGHT;
  const top = PAD_TOP;
  const bottom = height - AXIS_BOTTOM;
  const plotW = right - left;
  const plotH = bottom - top;
  if (plotW < 20 || plotH < 10) return { marks: 0, modelMarks: 0, unusableS: 0 };
  ctx.fillStyle = THEME.plot;
  ctx.fillRect(left, top, plotW, plotH);

  const tEnd = p.tEnd;
  const tStart = tEnd - p.windowS;
  const xOf = (t: number): number => left + ((t - tStart) / p.windowS) * plotW;

  drawTimeAxis(ctx, p.windowS, left, plotW, top, bottom);
  const unusableS = p.usable && Number.isFinite(tEnd) ? drawUnusable(ctx, p.usable, tStart, tEnd, xOf, top, bottom) : 0;

  // Marks: index range within the window; their faint lines sit behind the traces.
  const marks = p.marks && Number.isFinite(tEnd) ? p.marks : null;
  const markFrom = marks ? marks.lowerBound(tStart) : 0;
  let markTo = markFrom;
  if (marks) while (markTo < marks.length && marks.timeAt(markTo) <= tEnd) markTo++;
  const isStep = p.markKind === 'step';
  if (markTo > markFrom && marks) {
    ctx.strokeStyle = isStep ? THEME.stepLine : THEME.beatLine;
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let i = markFrom; i < markTo; i++) {
      const px = Math.round(xOf(marks.timeAt(i))) + 0.5;
      ctx.moveTo(px, top);
      ctx.lineTo(px, bottom);
    }
    ctx.stroke();
  }

  const lanes = p.lanes;
  if (lanes.length === 0) {
    centerText(ctx, 'all channels hidden', left + plotW / 2, top + plotH / 2);
    return { marks: markTo - markFrom, modelMarks: 0, unusableS };
  }
  const filtered = p.filtered && p.filteredBuffer ? p.filtered : null;
  let anyRaw = false;
  let anyFiltered = false;
  for (const c of lanes) {
    if (filtered?.has(c)) anyFiltered = true;
    else anyRaw = true;
  }
  const live = Number.isFinite(tEnd);
  const rawView = anyRaw && live && p.buffer ? p.buffer.window(tStart, tEnd, 1) : null;
  const filtView = anyFiltered && live && p.filteredBuffer ? p.filteredBuffer.window(tStart, tEnd, 1) : null;
  const laneH = plotH / lanes.length;
  const columns = Math.max(1, Math.round(plotW));
  // A jump in time much larger than the typical spacing is a gap: break the line there.
  const gapOf = (v: WindowView | null): number => {
    const typicalDt = v && v.n > 1 ? (v.t[v.n - 1] - v.t[0]) / (v.n - 1) : 0;
    return Math.max(typicalDt * 5, (2 * p.windowS) / columns);
  };
  const rawGapS = gapOf(rawView);
  const filtGapS = gapOf(filtView);

  lanes.forEach((c, laneIndex) => {
    const isFiltered = filtered?.has(c) ?? false;
    const view = isFiltered ? filtView : rawView;
    const gapS = isFiltered ? filtGapS : rawGapS;
    const laneTop = top + laneIndex * laneH;
    const channel = p.info.channels[c];
    const color = CHANNEL_COLORS[c % CHANNEL_COLORS.length];
    if (laneIndex > 0) {
      ctx.strokeStyle = THEME.axis;
      ctx.lineWidth = 1;
      hLine(ctx, left - 4, right, laneTop);
    }

    const y = view ? view.channels[c] : undefined;
    const range = view && y ? extent(y, view.n) : null;
    const unit = channel?.unit ?? '';
    if (range && y && view) {
      const { min, max } = paddedRange(range.min, range.max);
      const innerTop = laneTop + 3;
      const innerH = laneH - 6;
      const yOf = (v: number): number => innerTop + (1 - (v - min) / (max - min)) * innerH;

      drawYTicks(ctx, min, max, yOf, laneTop, laneH, left, right);

      // The trace.
      const series = decimateMinMax({ n: view.n, x: view.t, y }, tStart, tEnd, columns, p.scratch);
      ctx.save();
      ctx.beginPath();
      ctx.rect(left, laneTop, plotW, laneH);
      ctx.clip();
      ctx.strokeStyle = color;
      // Width 1 with miter joins keeps Skia's fast path: round joins or wider strokes cost a third
      // of the frame rate in software-rendered Chromium (bench: live-view).
      ctx.lineWidth = 1;
      ctx.beginPath();
      let penDown = false;
      let prevT = -Infinity;
      for (let i = 0; i < series.n; i++) {
        const v = series.y[i];
        const t = series.x[i];
        if (v !== v) {
          penDown = false;
          continue;
        }
        const px = xOf(t);
        const py = yOf(v);
        if (penDown && t - prevT <= gapS) ctx.lineTo(px, py);
        else ctx.moveTo(px, py);
        penDown = true;
        prevT = t;
      }
      ctx.stroke();
      // Sparse data (a 1 Hz heart rate): a dot per sample, so lone points between gaps show.
      if (series.n > 0 && series.n * DOT_SPACING_PX <= plotW) {
        ctx.fillStyle = color;
        for (let i = 0; i < series.n; i++) {
          const v = series.y[i];
          if (v !== v) continue;
          ctx.fillRect(xOf(series.x[i]) - 1.5, yOf(v) - 1.5, 3, 3);
        }
      }
      ctx.restore();
    } else {
      centerText(ctx, 'waiting for data…', left + plotW / 2, laneTop + laneH / 2);
    }

    // Channel label with its unit, top-left of the lane.
    const name = channel?.label ?? `ch ${c}`;
    const label = `${unit ? `${name} [${unit}]` : name}${isFiltered ? ' (filtered)' : ''}`;
    drawLaneLabel(ctx, label, color, left, laneTop);
  });

  // A small downward triangle at the top of every lane per mark, all in one path.
  if (markTo > markFrom && marks) {
    ctx.fillStyle = isStep ? THEME.stepMark : THEME.beatMark;
    ctx.beginPath();
    for (let laneIndex = 0; laneIndex < lanes.length; laneIndex++) {
      const y0 = top + laneIndex * laneH + 1;
      for (let i = markFrom; i < markTo; i++) {
        const px = Math.round(xOf(marks.timeAt(i))) + 0.5;
        ctx.moveTo(px - 3.5, y0);
        ctx.lineTo(px + 3.5, y0);
        ctx.lineTo(px, y0 + 6);
        ctx.closePath();
      }
    }
    ctx.fill();
  }

  const modelMarks = live && p.modelMarks ? drawModelMarks(ctx, p.modelMarks, tStart, tEnd, xOf, top + 8) : 0;

  ctx.strokeStyle = THEME.axis;
  ctx.lineWidth = 1;
  ctx.strokeRect(left + 0.5, top + 0.5, plotW - 1, plotH - 1);
  return { marks: markTo - markFrom, modelMarks, unusableS };
}

/** Shades the stretches of [tStart, tEnd] judged unusable (behind the traces); returns their length in s. */
function drawUnusable(ctx: CanvasRenderingContext2D, usable: NonNullable<StripParams['usable']>, tStart: number, tEnd: number, xOf: (t: number) => number, top: number, bottom: number): number {
  // A flag at time t judges the ECG USABLE_LAG_S earlier: read the flags that far ahead of the window.
  const view = usable.buffer.window(tStart + USABLE_LAG_S - 1, tEnd + USABLE_LAG_S);
  let shaded = 0;
  ctx.fillStyle = THEME.unusable;
  for (const [t0, t1] of unusableStretches(view.t.subarray(0, view.n), view.channels[usable.channel].subarray(0, view.n))) {
    const a = Math.max(t0, tStart);
    const b = Math.min(t1, tEnd);
    if (b <= a) continue;
    ctx.fillRect(xOf(a), top, xOf(b) - xOf(a), bottom - top);
    shaded += b - a;
  }
  return shaded;
}

function drawTimeAxis(ctx: CanvasRenderingContext2D, windowS: number, left: number, plotW: number, top: number, bottom: number): void {
  const target = Math.max(2, Math.floor(plotW / 90));
  const step = niceStep(windowS, target);
  ctx.font = THEME.font;
  ctx.textBaseline = 'top';
  for (const v of ticksWithin(-windowS, 0, target)) {
    const px = Math.round(left + ((v + windowS) / windowS) * plotW) + 0.5;
    ctx.strokeStyle = THEME.grid;
    ctx.beginPath();
    ctx.moveTo(px, top);
    ctx.lineTo(px, bottom);
    ctx.stroke();
    ctx.strokeStyle = THEME.axis;
    ctx.beginPath();
    ctx.moveTo(px, bottom);
    ctx.lineTo(px, bottom + 4);
    ctx.stroke();
    ctx.fillStyle = THEME.text;
    ctx.textAlign = v === 0 ? 'right' : v === -windowS ? 'left' : 'center';
    ctx.fillText(v === 0 ? '0 s' : `${formatTick(v, step)}`, v === 0 ? px + 4 : px, bottom + 5);
  }
}

/** A lane's y grid and round tick labels in the left gutter. */
export function drawYTicks(ctx: CanvasRenderingContext2D, min: number, max: number, yOf: (v: number) => number, laneTop: number, laneH: number, left: number, right: number): void {
  let target = Math.max(2, Math.floor(laneH / 26));
  let ticks = ticksWithin(min, max, target);
  if (ticks.length < 2) ticks = ticksWithin(min, max, (target *= 2));
  const step = niceStep(max - min, target);
  ctx.font = THEME.font;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const v of ticks) {
    const py = Math.round(yOf(v)) + 0.5;
    if (py < laneTop + 5 || py > laneTop + laneH - 5) continue;
    ctx.strokeStyle = THEME.grid;
    hLine(ctx, left, right, py);
    ctx.strokeStyle = THEME.axis;
    hLine(ctx, left - 4, left, py);
    ctx.fillStyle = THEME.text;
    ctx.fillText(formatTick(v, step), left - 6, py);
  }
}

/** A lane's channel name (with its unit) top-left, on a dark tab with the channel's colour. */
export function drawLaneLabel(ctx: CanvasRenderingContext2D, label: string, color: string, left: number, laneTop: number): void {
  ctx.font = THEME.labelFont;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  const w = ctx.measureText(label).width;
  ctx.fillStyle = 'rgba(11, 16, 22, 0.75)';
  ctx.fillRect(left + 4, laneTop + 3, w + 8, 15);
  ctx.fillStyle = color;
  ctx.fillRect(left + 4, laneTop + 3, 2, 15);
  ctx.fillStyle = THEME.label;
  ctx.fillText(label, left + 9, laneTop + 5);
}

export function hLine(ctx: CanvasRenderingContext2D, x0: number, x1: number, y: number): void {
  ctx.beginPath();
  ctx.moveTo(x0, y);
  ctx.lineTo(x1, y);
  ctx.stroke();
}

function centerText(ctx: CanvasRenderingContext2D, text: string, x: number, y: number): void {
  ctx.font = THEME.font;
  ctx.fillStyle = THEME.text;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(text, x, y);
}
