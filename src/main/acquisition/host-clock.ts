/**
 * Host time in seconds since the Unix epoch, from the monotonic clock anchored once at start-up,
 * so a wall-clock step (NTP, the user changing the time) never bends a recording's timeline.
 */
const origin = performance.timeOrigin / 1000;

export function hostNow(): number {
  return origin + performance.now() / 1000;
}

export type HostClock = () => number;
