/**
 * Min/max-per-pixel-column decimation for line plots: when a window holds more samples than the
 * plot has pixel columns, keep only each column's extremes (in the order they occur), so peaks
 * survive and drawing cost scales with the width, not the sample count. Pure.
 */

export interface XYSeries {
  /** Number of valid points in x and y. */
  n: number;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

/** Reusable output storage, so decimating every frame allocates nothing. */
export class DecimationScratch {
  x = new Float64Array(0);
  y = new Float32Array(0);

  ensure(points: number): void {
    if (this.x.length < points) {
      this.x = new Float64Array(points);
      this.y = new Float32Array(points);
    }
  }
}

/**
 * Decimate `input` for a plot of `columns` pixel columns spanning x0..x1. Returns `input`
 * itself when it has no more points than columns. Otherwise each column keeps at most two
 * points, its minimum and its maximum, in their original order. NaN values are skipped.
 * Points outside x0..x1 fall into the first or last column.
 */
export function decimateMinMax(
  input: XYSeries,
  x0: number,
  x1: number,
  columns: number,
  scratch: DecimationScratch = new DecimationScratch(),
): XYSeries {
  const cols = Math.max(1, Math.floor(columns));
  const { n, x, y } = input;
  if (n <= cols || !(x1 > x0)) return input;
  scratch.ensure(cols * 2);
  const out = scratch;
  const scale = cols / (x1 - x0);
  let m = 0;
  let col = -1;
  let minI = -1;
  let maxI = -1;
  const flush = (): void => {
    if (minI < 0) return;
    if (minI === maxI) {
      out.x[m] = x[minI];
      out.y[m++] = y[minI];
    } else {
      const a = minI < maxI ? minI : maxI;
      const b = minI < maxI ? maxI : minI;
      out.x[m] = x[a];
      out.y[m++] = y[a];
      out.x[m] = x[b];
      out.y[m++] = y[b];
    }
    minI = -1;
    maxI = -1;
  };
  for (let i = 0; i < n; i++) {
    const v = y[i];
    if (v !== v) continue; // NaN
    let c = Math.floor((x[i] - x0) * scale);
    if (c < 0) c = 0;
    else if (c >= cols) c = cols - 1;
    if (c !== col) {
      flush();
      col = c;
    }
    if (minI < 0) {
      minI = i;
      maxI = i;
    } else {
      if (v < y[minI]) minI = i;
      if (v > y[maxI]) maxI = i;
    }
  }
  flush();
  return { n: m, x: out.x, y: out.y };
}

/** Minimum and maximum of y[0..n), skipping NaN; null when there is no finite value. */
export function extent(y: ArrayLike<number>, n: number): { min: number; max: number } | null {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = y[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? { min, max } : null;
}

/**
 * The y range a lane shows for data spanning min..max: padded by `padding` of the span on each
 * side; a flat signal gets a symmetric range around its value.
 */
export function paddedRange(min: number, max: number, padding = 0.08): { min: number; max: number } {
  const span = max - min;
  if (!(span > 0)) {
    const half = Math.abs(min) > 1e-9 ? Math.abs(min) * 0.1 : 1;
    return { min: min - half, max: max + half };
  }
  return { min: min - span * padding, max: max + span * padding };
}
