/** Axis ticks at round numbers (1, 2 or 5 times a power of ten). Pure. */

export interface Ticks {
  /** Distance between ticks. */
  step: number;
  /** Round bounds covering the range: lo <= min and hi >= max, both multiples of step. */
  lo: number;
  hi: number;
  /** Every multiple of step from lo to hi. */
  values: number[];
}

/** The round step (1, 2, 5 x 10^k) closest above span / target. */
export function niceStep(span: number, target: number): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, target);
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const f = raw / power;
  const nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
  return nice * power;
}

/** Round ticks covering min..max, about `target` intervals. */
export function niceTicks(min: number, max: number, target = 5): Ticks {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { step: 1, lo: 0, hi: 0, values: [0] };
  if (min > max) [min, max] = [max, min];
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    min -= pad;
    max += pad;
  }
  const step = niceStep(max - min, target);
  const lo = Math.floor(min / step + 1e-9) * step;
  const hi = Math.ceil(max / step - 1e-9) * step;
  const count = Math.round((hi - lo) / step);
  const values: number[] = [];
  for (let i = 0; i <= count; i++) values.push(roundTo(lo + i * step, step));
  return { step, lo: values[0], hi: values[values.length - 1], values };
}

/** The ticks of niceTicks(min, max, target) that lie within min..max. */
export function ticksWithin(min: number, max: number, target = 5): number[] {
  const eps = Math.abs(max - min) * 1e-9;
  return niceTicks(min, max, target).values.filter((v) => v >= min - eps && v <= max + eps);
}

/** Decimal places that show every tick of this step exactly. */
export function stepDecimals(step: number): number {
  if (!(step > 0)) return 0;
  return Math.max(0, Math.min(10, -Math.floor(Math.log10(step) + 1e-9)));
}

/** A tick label: as many decimals as the step needs, with no "-0". */
export function formatTick(value: number, step: number): string {
  const text = value.toFixed(stepDecimals(step));
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}

function roundTo(value: number, step: number): number {
  // Strip floating-point noise such as 0.30000000000000004.
  const decimals = stepDecimals(step) + 2;
  return Number(value.toFixed(decimals));
}
