import type { VitalsPerf } from '../env';

/** How many latency samples window.__vitalsPerf keeps. */
export const MAX_LATENCIES = 2000;

/** The page-wide counters a benchmark reads as `window.__vitalsPerf`. */
export function perfCounters(): VitalsPerf {
  if (!window.__vitalsPerf) window.__vitalsPerf = { frames: 0, latencies: [] };
  return window.__vitalsPerf;
}

/** Count one drawn frame; `latencyMs` when it showed new samples. */
export function recordDrawnFrame(latencyMs: number | null): void {
  const perf = perfCounters();
  perf.frames++;
  if (latencyMs !== null && Number.isFinite(latencyMs)) {
    perf.latencies.push(latencyMs);
    if (perf.latencies.length > MAX_LATENCIES) perf.latencies.splice(0, perf.latencies.length - MAX_LATENCIES);
  }
}
