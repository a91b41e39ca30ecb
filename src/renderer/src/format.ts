/** Display formatting shared by the panels. Pure. */

/** h:mm:ss, or m:ss under an hour. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Integer with thousands separators. */
export function formatCount(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—';
}

/** A number with fixed decimals, or a dash. */
export function formatFixed(n: number | undefined, decimals: number): string {
  return n !== undefined && Number.isFinite(n) ? n.toFixed(decimals) : '—';
}

/** Lost packets as a percentage of all packets sent (received + lost). */
export function lossPercent(received: number, lost: number): number {
  const total = received + lost;
  return total > 0 ? (lost / total) * 100 : 0;
}

/** Local date and time of an ISO timestamp. */
export function formatLocalTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** The text of anything thrown. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  if (typeof e === 'string') return e;
  try {
    return JSON.stringify(e);
  } catch {
    return String(e);
  }
}
