import type { ModelMarks } from './live-store';

/** A colour per model class mark on a stream, in the order they first came. */
export const MODEL_MARK_COLORS = ['#f87171', '#c084fc', '#22d3ee', '#facc15'];
const MODEL_MARK_FONT = '700 12px system-ui, -apple-system, Segoe UI, sans-serif';

/** The part of a canvas 2-D context that draws text (kept structural so the drawing is testable under plain Node). */
export interface TextPainter {
  font: string;
  textAlign: string;
  textBaseline: string;
  fillStyle: unknown;
  fillText(text: string, x: number, y: number): void;
}

/**
 * Each model mark within [tStart, tEnd] as its class letter at height `y`, one colour per set:
 * one fillText per mark and no path, so a busy model costs the frame next to nothing. Returns how many.
 */
export function drawModelMarks(ctx: TextPainter, sets: readonly ModelMarks[], tStart: number, tEnd: number, xOf: (t: number) => number, y: number): number {
  let drawn = 0;
  ctx.font = MODEL_MARK_FONT;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  sets.forEach((set, k) => {
    ctx.fillStyle = MODEL_MARK_COLORS[k % MODEL_MARK_COLORS.length];
    const marks = set.marks;
    for (let i = marks.lowerBound(tStart); i < marks.length && marks.timeAt(i) <= tEnd; i++) {
      ctx.fillText(set.label, Math.round(xOf(marks.timeAt(i))), y);
      drawn++;
    }
  });
  return drawn;
}
