/**
 * Canvas drawing of the review view: a track (lanes per channel, min/max columns or samples, with
 * beats, gaps, labels, markers, the selection and the measurement), the time axis (elapsed and
 * clock time) and the overview strip. All share one horizontal layout, so times line up.
 */
import { aamiOfLetter } from '../../../shared/beat-classes';
import type { BeatSeries, ReviewEvent, TrackData } from '../../../shared/review';
import { CHANNEL_COLORS, THEME, drawLaneLabel, drawYTicks, hLine } from '../live/draw-strip';
import { lowerBound } from '../live/lower-bound';
import type { Range } from './amplitude';
import type { TrackMarks } from './model-marks';
import { elapsedStyle, formatClock, formatElapsed, formatLength, timeStep, timeTicks } from './time-axis';
import { timeScale, type TimeScale, type TimeWindow } from './time-window';

/** Plot margins, CSS px, shared by every review canvas. */
export const PLOT_LEFT = 64;
export const PLOT_RIGHT_PAD = 12;

const REVIEW = {
  gap: 'rgba(248, 113, 113, 0.14)',
  gapEdge: 'rgba(248, 113, 113, 0.55)',
  gapText: '#fca5a5',
  /** ECG judged unusable (the live flag, recorded): the live strip's shade, edged in the quality colour for poor. */
  unusable: THEME.unusable,
  unusableEdge: 'rgba(248, 113, 113, 0.4)',
  label: 'rgba(192, 132, 252, 0.16)',
  labelEdge: 'rgba(192, 132, 252, 0.7)',
  labelText: '#e9d5ff',
  marker: '#38bdf8',
  /** Protocol steps: alternating faint bands, a line at each boundary, the name at the foot. */
  step: ['rgba(45, 212, 191, 0.07)', 'rgba(45, 212, 191, 0.03)'],
  stepEdge: 'rgba(45, 212, 191, 0.6)',
  stepText: '#99f6e4',
  /** Beats of a stored analysis run, overlaid to compare with the current set. */
  runBeat: '#fbbf24',
  /** A beat's class letter; non-normal classes stand out. */
  beatClass: '#cbd5e1',
  beatClassAbnormal: '#fb923c',
  /** A model's marks (e.g. PVC): a labelled line, unlike the beat ticks. */
  modelMark: '#fb923c',
  modelMarkPill: 'rgba(124, 45, 18, 0.9)',
  selection: 'rgba(250, 250, 250, 0.12)',
  selectionEdge: 'rgba(250, 250, 250, 0.6)',
  measure: '#f472b6',
  cursor: 'rgba(226, 232, 240, 0.45)',
  rejected: '#f87171',
  selected: '#ffffff',
  window: 'rgba(79, 195, 247, 0.18)',
  windowEdge: '#4fc3f7',
};

export interface CanvasLayout {
  width: number;
  height: number;
  dpr: number;
}

/** What every plot draws over its time range. */
export interface Overlays {
  /** Gaps, labels and markers of this track (or of all tracks). */
  events: readonly ReviewEvent[];
  /** Interval being or about to be labelled. */
  selection: { t0: number; t1: number } | null;
  /** Label highlighted for editing. */
  selectedLabel: number | null;
  measure: readonly number[];
  cursor: number | null;
  /** Stretches [t0, t1) (s from the start) the live analysis judged unusable (shared/ecg-usable.ts). */
  unusable?: readonly (readonly [number, number])[];
}

export interface TrackParams extends Overlays {
  data: TrackData | null;
  channels: readonly { label: string; unit: string }[];
  /** Channels shown, one lane each, with their ranges (null: no data). */
  lanes: readonly number[];
  ranges: readonly (Range | null)[];
  window: TimeWindow;
  beats: BeatSeries | null;
  /** Beats (s) of a stored analysis run shown for comparison, drawn as ticks along the bottom. */
  runBeats: readonly number[] | null;
  /** Marks of the model runs shown (e.g. "V" at a PVC), drawn as labelled lines. */
  modelMarks: TrackMarks | null;
  /** IMU streams carry steps, drawn green like the live strip's. */
  markKind: 'beat' | 'step';
  selectedBeat: number | null;
  /** Text in the plot when there is nothing to draw (loading, an error). */
  note: string | null;
}

function begin(ctx: CanvasRenderingContext2D, layout: CanvasLayout): { left: number; right: number; plotW: number } {
  ctx.setTransform(layout.dpr, 0, 0, layout.dpr, 0, 0);
  ctx.fillStyle = THEME.background;
  ctx.fillRect(0, 0, layout.width, layout.height);
  const left = PLOT_LEFT;
  const right = layout.width - PLOT_RIGHT_PAD;
  return { left, right, plotW: Math.max(1, right - left) };
}

export function plotColumns(width: number): number {
  return Math.max(16, Math.round(width - PLOT_LEFT - PLOT_RIGHT_PAD));
}

/** Protocol-step bands (with their names), shaded gaps (with their length), unusable stretches, label bands (with their text), marker lines, the selection. */
function drawBands(ctx: CanvasRenderingContext2D, s: TimeScale, o: Overlays, top: number, bottom: number, left: number, right: number, withText: boolean): void {
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, right - left, bottom - top);
  ctx.clip();
  ctx.font = THEME.font;
  ctx.textBaseline = 'top';
  // Step bands alternate their shade by step order, counted over every step (those off screen too).
  let stepIndex = -1;
  for (const e of o.events) {
    if (e.kind === 'step') stepIndex++;
    const x0 = s.x(e.t);
    const x1 = Math.max(s.x(e.t + e.duration), x0 + 1);
    if (x1 < left || x0 > right) continue;
    if (e.kind === 'step') {
      ctx.fillStyle = REVIEW.step[stepIndex % 2];
      ctx.fillRect(x0, top, x1 - x0, bottom - top);
      ctx.strokeStyle = REVIEW.stepEdge;
      ctx.lineWidth = 1;
      vLine(ctx, x0, top, bottom);
      if (withText && Math.min(x1, right) - Math.max(x0, left) >= 12) {
        ctx.fillStyle = REVIEW.stepText;
        ctx.textAlign = 'left';
        ctx.fillText(e.text, Math.max(x0, left) + 3, bottom - 27);
      }
    } else if (e.kind === 'gap' || e.kind === 'label') {
      const gap = e.kind === 'gap';
      ctx.fillStyle = gap ? REVIEW.gap : REVIEW.label;
      ctx.fillRect(x0, top, x1 - x0, bottom - top);
      ctx.strokeStyle = gap ? REVIEW.gapEdge : REVIEW.labelEdge;
      ctx.lineWidth = !gap && e.id === o.selectedLabel ? 2 : 1;
      vLine(ctx, x0, top, bottom);
      vLine(ctx, x1, top, bottom);
      if (withText && Math.min(x1, right) - Math.max(x0, left) >= 12) {
        const text = gap ? `gap ${formatLength(e.duration)}${e.lost ? ` · ${e.lost} lost` : ''}` : e.text;
        const tx = Math.max(x0, left) + 3;
        ctx.textAlign = 'left';
        if (!gap) {
          // A pill below the channel label, so the text reads over any trace.
          ctx.fillStyle = 'rgba(76, 29, 149, 0.85)';
          ctx.fillRect(tx - 2, top + 21, ctx.measureText(text).width + 6, 14);
        }
        ctx.fillStyle = gap ? REVIEW.gapText : REVIEW.labelText;
        ctx.fillText(text, tx + (gap ? 0 : 1), gap ? bottom - 13 : top + 23);
      }
    } else if (e.kind === 'marker') {
      ctx.strokeStyle = REVIEW.marker;
      ctx.lineWidth = 1;
      ctx.setLineDash([4, 3]);
      vLine(ctx, x0, top, bottom);
      ctx.setLineDash([]);
      if (withText) {
        ctx.fillStyle = REVIEW.marker;
        ctx.textAlign = 'left';
        ctx.fillText(`⚑ ${e.text}`, x0 + 3, bottom - 26);
      }
    }
  }
  for (const [t0, t1] of o.unusable ?? []) {
    const x0 = s.x(t0);
    const x1 = Math.max(s.x(t1), x0 + 1);
    if (x1 < left || x0 > right) continue;
    ctx.fillStyle = REVIEW.unusable;
    ctx.fillRect(x0, top, x1 - x0, bottom - top);
    ctx.fillStyle = REVIEW.unusableEdge;
    ctx.fillRect(x0, bottom - 3, x1 - x0, 3);
    if (withText && Math.min(x1, right) - Math.max(x0, left) >= 60) {
      ctx.fillStyle = REVIEW.gapText;
      ctx.textAlign = 'left';
      ctx.fillText('unusable', Math.max(x0, left) + 3, bottom - 15);
    }
  }
  if (o.selection) {
    const x0 = s.x(Math.min(o.selection.t0, o.selection.t1));
    const x1 = s.x(Math.max(o.selection.t0, o.selection.t1));
    ctx.fillStyle = REVIEW.selection;
    ctx.fillRect(x0, top, x1 - x0, bottom - top);
    ctx.strokeStyle = REVIEW.selectionEdge;
    ctx.lineWidth = 1;
    vLine(ctx, x0, top, bottom);
    vLine(ctx, x1, top, bottom);
  }
  ctx.strokeStyle = REVIEW.measure;
  for (const t of o.measure) vLine(ctx, s.x(t), top, bottom);
  if (o.cursor !== null) {
    ctx.strokeStyle = REVIEW.cursor;
    vLine(ctx, s.x(o.cursor), top, bottom);
  }
  ctx.restore();
}

/** One track: a lane per shown channel with its own y axis and unit. */
export function drawTrack(ctx: CanvasRenderingContext2D, layout: CanvasLayout, p: TrackParams): void {
  const { left, right, plotW } = begin(ctx, layout);
  const top = 2;
  const bottom = layout.height - 2;
  const s = timeScale(p.window, left, plotW);
  ctx.fillStyle = THEME.plot;
  ctx.fillRect(left, top, plotW, bottom - top);
  drawGrid(ctx, s, p.window, top, bottom, plotW);
  drawBands(ctx, s, p, top, bottom, left, right, true);

  const laneH = (bottom - top) / Math.max(1, p.lanes.length);
  p.lanes.forEach((c, i) => {
    const laneTop = top + i * laneH;
    const range = p.ranges[i];
    const color = CHANNEL_COLORS[c % CHANNEL_COLORS.length];
    if (i > 0) {
      ctx.strokeStyle = THEME.axis;
      ctx.lineWidth = 1;
      hLine(ctx, left - 4, right, Math.round(laneTop) + 0.5);
    }
    if (range && p.data) {
      const innerTop = laneTop + 4;
      const innerH = laneH - 8;
      const yOf = (v: number): number => innerTop + (1 - (v - range.min) / (range.max - range.min)) * innerH;
      drawYTicks(ctx, range.min, range.max, yOf, laneTop, laneH, left, right);
      ctx.save();
      ctx.beginPath();
      ctx.rect(left, laneTop, plotW, laneH);
      ctx.clip();
      ctx.strokeStyle = color;
      ctx.fillStyle = color;
      ctx.lineWidth = 1;
      drawTrace(ctx, p.data, c, s, yOf, plotW);
      ctx.restore();
    }
    const ch = p.channels[c];
    const text = ch ? (ch.unit ? `${ch.label} [${ch.unit}]` : ch.label) : `ch ${c}`;
    drawLaneLabel(ctx, text, color, left, laneTop);
  });

  if (p.beats) drawBeats(ctx, p.beats, p.markKind, p.selectedBeat, s, top, bottom, left, right);
  if (p.runBeats) drawRunBeats(ctx, p.runBeats, s, bottom, left, right);
  if (p.modelMarks) drawModelMarks(ctx, p.modelMarks, s, top, bottom, left, right);
  if (p.note) {
    ctx.font = THEME.font;
    ctx.fillStyle = THEME.text;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(p.note, left + plotW / 2, (top + bottom) / 2);
  }
  ctx.strokeStyle = THEME.axis;
  ctx.lineWidth = 1;
  ctx.strokeRect(left + 0.5, top + 0.5, plotW - 1, bottom - top - 1);
}

function drawGrid(ctx: CanvasRenderingContext2D, s: TimeScale, w: TimeWindow, top: number, bottom: number, plotW: number): void {
  const step = timeStep(w.t1 - w.t0, Math.max(2, Math.floor(plotW / 110)));
  ctx.strokeStyle = THEME.grid;
  ctx.lineWidth = 1;
  for (const t of timeTicks(w.t0, w.t1, step)) vLine(ctx, Math.round(s.x(t)) + 0.5, top, bottom);
}

/** Min/max columns as vertical bars joined column to column; samples as a line broken at nulls, dotted when sparse. */
function drawTrace(ctx: CanvasRenderingContext2D, data: TrackData, c: number, s: TimeScale, yOf: (v: number) => number, plotW: number): void {
  ctx.beginPath();
  if (data.mode === 'minmax') {
    const lo = data.min[c] ?? [];
    const hi = data.max[c] ?? [];
    const width = (data.t1 - data.t0) / data.columns;
    let pen = false;
    for (let k = 0; k < data.columns; k++) {
      const a = lo[k];
      const b = hi[k];
      if (a === null || b === null || a === undefined || b === undefined) {
        pen = false;
        continue;
      }
      const x = s.x(data.t0 + (k + 0.5) * width);
      if (pen) ctx.lineTo(x, yOf(b));
      else ctx.moveTo(x, yOf(b));
      ctx.lineTo(x, yOf(a) + 0.5);
      pen = true;
    }
    ctx.stroke();
    return;
  }
  const values = data.values[c] ?? [];
  let pen = false;
  for (let i = 0; i < data.t.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      pen = false;
      continue;
    }
    const x = s.x(data.t[i]);
    if (pen) ctx.lineTo(x, yOf(v));
    else ctx.moveTo(x, yOf(v));
    pen = true;
  }
  ctx.stroke();
  if (data.t.length > 0 && data.t.length * 6 <= plotW) {
    for (let i = 0; i < data.t.length; i++) {
      const v = values[i];
      if (v !== null && v !== undefined) ctx.fillRect(s.x(data.t[i]) - 1.5, yOf(v) - 1.5, 3, 3);
    }
  }
}

/** A run's beats: amber ticks rising from the bottom, so they stand beside the current set's marks at the top. */
function drawRunBeats(ctx: CanvasRenderingContext2D, t: readonly number[], s: TimeScale, bottom: number, left: number, right: number): void {
  const from = lowerBound(t.length, (i) => t[i], s.t(left));
  const to = lowerBound(t.length, (i) => t[i], s.t(right));
  if (to - from > (right - left) / 2) return;
  ctx.strokeStyle = REVIEW.runBeat;
  ctx.lineWidth = 2;
  for (let i = from; i < to; i++) vLine(ctx, Math.round(s.x(t[i])) + 0.5, bottom - 12, bottom);
  ctx.lineWidth = 1;
}

/** Model marks: a dashed orange line with its label in a pill under the beat ticks; too dense to read, lines only. */
function drawModelMarks(ctx: CanvasRenderingContext2D, marks: TrackMarks, s: TimeScale, top: number, bottom: number, left: number, right: number): void {
  const from = lowerBound(marks.t.length, (i) => marks.t[i], s.t(left));
  const to = lowerBound(marks.t.length, (i) => marks.t[i], s.t(right));
  const labelled = to - from <= (right - left) / 24;
  ctx.save();
  ctx.strokeStyle = REVIEW.modelMark;
  ctx.lineWidth = 1.5;
  ctx.setLineDash([5, 3]);
  ctx.font = THEME.font;
  ctx.textBaseline = 'top';
  ctx.textAlign = 'left';
  for (let i = from; i < to; i++) {
    const x = Math.round(s.x(marks.t[i])) + 0.5;
    vLine(ctx, x, top + 12, bottom);
    if (!labelled) continue;
    const w = ctx.measureText(marks.label[i]).width + 6;
    ctx.fillStyle = REVIEW.modelMarkPill;
    ctx.fillRect(x + 2, top + 12, w, 14);
    ctx.fillStyle = REVIEW.modelMark;
    ctx.fillText(marks.label[i], x + 5, top + 14);
  }
  ctx.restore();
}

/** Beats (or steps): a faint line and a triangle; rejected ones hollow red with a cross; the selected one white and taller. */
function drawBeats(ctx: CanvasRenderingContext2D, beats: BeatSeries, kind: 'beat' | 'step', selected: number | null, s: TimeScale, top: number, bottom: number, left: number, right: number): void {
  const at = (i: number): number => beats.t[i];
  const from = lowerBound(beats.t.length, at, s.t(left));
  const to = lowerBound(beats.t.length, at, s.t(right));
  if (to - from > (right - left) / 2) return; // Too dense to mark one by one: zoom in to see beats.
  ctx.lineWidth = 1;
  for (let i = from; i < to; i++) {
    const x = Math.round(s.x(beats.t[i])) + 0.5;
    const rejected = beats.rejected[i];
    ctx.strokeStyle = rejected ? 'rgba(248, 113, 113, 0.35)' : kind === 'step' ? THEME.stepLine : THEME.beatLine;
    vLine(ctx, x, top, bottom);
    ctx.beginPath();
    const h = i === selected ? 10 : 7;
    ctx.moveTo(x - 4.5, top + 1);
    ctx.lineTo(x + 4.5, top + 1);
    ctx.lineTo(x, top + 1 + h);
    ctx.closePath();
    if (rejected) {
      ctx.strokeStyle = REVIEW.rejected;
      ctx.stroke();
      ctx.beginPath();
      ctx.moveTo(x - 3, bottom - 9);
      ctx.lineTo(x + 3, bottom - 3);
      ctx.moveTo(x + 3, bottom - 9);
      ctx.lineTo(x - 3, bottom - 3);
      ctx.stroke();
    } else {
      ctx.fillStyle = i === selected ? REVIEW.selected : kind === 'step' ? THEME.stepMark : THEME.beatMark;
      ctx.fill();
    }
    if (i === selected) {
      ctx.strokeStyle = REVIEW.selected;
      ctx.setLineDash([2, 2]);
      vLine(ctx, x, top, bottom);
      ctx.setLineDash([]);
    }
  }
  if (beats.classes && to - from <= (right - left) / CLASS_LETTER_PX) drawBeatClasses(ctx, beats.classes, beats.t, from, to, s, top);
}

/** Beats at least this far apart on average (CSS px) get their class letter drawn. */
const CLASS_LETTER_PX = 14;

/** Each classified beat's letter under its triangle (N, L, R, e, j quiet; the rest in orange). */
function drawBeatClasses(ctx: CanvasRenderingContext2D, classes: readonly (string | null)[], t: readonly number[], from: number, to: number, s: TimeScale, top: number): void {
  ctx.font = THEME.font;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (let i = from; i < to; i++) {
    const c = classes[i];
    if (!c) continue;
    ctx.fillStyle = aamiOfLetter(c) === 'N' ? REVIEW.beatClass : REVIEW.beatClassAbnormal;
    ctx.fillText(c, Math.round(s.x(t[i])), top + 13);
  }
}

/** Two rows of ticks: elapsed time from the start (top) and local clock time (bottom). */
export function drawTimeAxis(ctx: CanvasRenderingContext2D, layout: CanvasLayout, w: TimeWindow, startedAt: number, o: Overlays): void {
  const { left, right, plotW } = begin(ctx, layout);
  const s = timeScale(w, left, plotW);
  const h = layout.height;
  drawBands(ctx, s, { ...o, events: o.events.filter((e) => e.kind === 'label' || e.kind === 'step') }, 0, h, left, right, false);
  const step = timeStep(w.t1 - w.t0, Math.max(2, Math.floor(plotW / 110)));
  const style = elapsedStyle(w.t1);
  ctx.font = THEME.font;
  ctx.textBaseline = 'top';
  ctx.textAlign = 'center';
  // Labels stay inside the plot: the edge ones are nudged in rather than cut or run into the row names.
  const inside = (x: number, text: string): number => {
    const half = ctx.measureText(text).width / 2 + 2;
    return Math.min(Math.max(x, left + half), right - half);
  };
  for (const t of timeTicks(w.t0, w.t1, step)) {
    const x = Math.round(s.x(t)) + 0.5;
    ctx.strokeStyle = THEME.axis;
    vLine(ctx, x, h - 5, h);
    vLine(ctx, x, 0, 4);
    const elapsed = formatElapsed(t, step, style);
    const clock = formatClock(startedAt + t, step);
    ctx.fillStyle = THEME.label;
    ctx.fillText(elapsed, inside(x, elapsed), 5);
    ctx.fillStyle = THEME.text;
    ctx.fillText(clock, inside(x, clock), 19);
  }
  ctx.textAlign = 'right';
  ctx.fillStyle = THEME.text;
  ctx.fillText(style === 's' ? 'elapsed' : style, left - 6, 5);
  ctx.fillText('clock', left - 6, 19);
}

export interface OverviewParams {
  data: TrackData | null;
  duration: number;
  window: TimeWindow;
  events: readonly ReviewEvent[];
}

/** The whole session: one trace, gaps and labels, and the visible window boxed. */
export function drawOverview(ctx: CanvasRenderingContext2D, layout: CanvasLayout, p: OverviewParams): void {
  const { left, right, plotW } = begin(ctx, layout);
  const whole = { t0: 0, t1: Math.max(p.duration, 1e-3) };
  const s = timeScale(whole, left, plotW);
  const top = 2;
  const bottom = layout.height - 14;
  ctx.fillStyle = THEME.plot;
  ctx.fillRect(left, top, plotW, bottom - top);
  drawBands(ctx, s, { events: p.events, selection: null, selectedLabel: null, measure: [], cursor: null }, top, bottom, left, right, false);
  if (p.data) {
    let min = Infinity;
    let max = -Infinity;
    const lists = p.data.mode === 'minmax' ? [p.data.min[0] ?? [], p.data.max[0] ?? []] : [p.data.values[0] ?? []];
    for (const list of lists) {
      for (const v of list) {
        if (v === null) continue;
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    if (min <= max) {
      const pad = max > min ? (max - min) * 0.05 : 1;
      const yOf = (v: number): number => top + 2 + (1 - (v - min + pad) / (max - min + 2 * pad)) * (bottom - top - 4);
      ctx.save();
      ctx.beginPath();
      ctx.rect(left, top, plotW, bottom - top);
      ctx.clip();
      ctx.strokeStyle = CHANNEL_COLORS[0];
      ctx.fillStyle = CHANNEL_COLORS[0];
      ctx.lineWidth = 1;
      drawTrace(ctx, p.data, 0, s, yOf, plotW);
      ctx.restore();
    }
  }
  const x0 = s.x(p.window.t0);
  const x1 = Math.max(s.x(p.window.t1), x0 + 2);
  ctx.fillStyle = REVIEW.window;
  ctx.fillRect(x0, top, x1 - x0, bottom - top);
  ctx.strokeStyle = REVIEW.windowEdge;
  ctx.lineWidth = 1.5;
  ctx.strokeRect(x0 + 0.5, top + 0.5, x1 - x0 - 1, bottom - top - 1);
  const step = timeStep(whole.t1, Math.max(2, Math.floor(plotW / 110)));
  ctx.font = THEME.font;
  ctx.textBaseline = 'top';
  ctx.textAlign = 'center';
  ctx.fillStyle = THEME.text;
  const style = elapsedStyle(whole.t1);
  for (const t of timeTicks(0, whole.t1, step)) ctx.fillText(formatElapsed(t, step, style), Math.min(Math.max(s.x(t), left + 16), right - 16), bottom + 2);
  ctx.textAlign = 'right';
  ctx.fillText('overview', left - 6, top + 4);
}

function vLine(ctx: CanvasRenderingContext2D, x: number, y0: number, y1: number): void {
  ctx.beginPath();
  ctx.moveTo(x, y0);
  ctx.lineTo(x, y1);
  ctx.stroke();
}
