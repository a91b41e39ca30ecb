/** Index of the first of `size` non-decreasing times (read through `timeAt`) that is >= t; `size` when none. */
export function lowerBound(size: number, timeAt: (i: number) => number, t: number): number {
  let lo = 0;
  let hi = size;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (timeAt(mid) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
