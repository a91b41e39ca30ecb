import type { VirtualTime } from '../acquisition/virtual-time';

/** How often in-process devices deliver, ms: like a USB CDC poll interval or a BLE connection interval. */
export const TICK_MS = 10;

/** Calls `tick` every TICK_MS, or at every step of a virtual clock (runs faster than real time); returns the stop. */
export function startTicking(tick: () => void, steps?: VirtualTime): () => void {
  if (steps) return steps.onStep(tick);
  const timer = setInterval(tick, TICK_MS);
  return () => clearInterval(timer);
}
