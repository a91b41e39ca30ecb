/**
 * The pre-flight check: before a recording, each required stream must be connected, running
 * within 2 % of its nominal rate, losing (almost) no packets, and of acceptable quality for the
 * last few seconds. Pure rules over what the engine already knows (device stats, the live
 * analysis' numerics), fed one observation at a time; it keeps the little history "for the last
 * few seconds" needs.
 */
import type { PreflightItem, PreflightResult } from '../../shared/preflight';
import type { DeviceStats, Numeric, Quality, StreamInfo } from '../../shared/types';

/** Largest relative difference between measured and nominal rate that passes. */
export const RATE_TOLERANCE = 0.02;
/** Seconds of acceptable quality (and of packet counts) the check looks back over. */
export const HOLD_S = 3;
/** Largest share of packets lost over the last HOLD_S that passes. */
export const MAX_LOST_SHARE = 0.01;
/** Kinds the live analysis rates the quality of (ECG beats, PPG windows): they need a rating to pass. */
const RATED_KINDS = new Set(['ecg', 'ppg']);

/** What one observation sees: the engine's streams, device stats and the live analysis' figures. */
export interface PreflightInput {
  /** Host time, s since the Unix epoch. */
  now: number;
  streams: readonly StreamInfo[];
  devices: readonly DeviceStats[];
  numerics: readonly Numeric[];
}

interface StreamHistory {
  /** Host time of the latest observation that rated the stream poor (-Infinity: none). */
  lastPoorAt: number;
  /** When the current stretch of poor ratings began. */
  poorSince: number;
  packets: { t: number; packets: number; lost: number }[];
}

const RANK: Record<Quality, number> = { good: 0, fair: 1, poor: 2 };

function pct(x: number): string {
  return `${(x * 100).toFixed(1)} %`;
}

function hz(x: number): string {
  return `${Number(x.toFixed(1))} Hz`;
}

/** Checks a set of required streams; `observe` it with every status (about once a second). */
export class PreflightCheck {
  private readonly history = new Map<string, StreamHistory>();

  constructor(readonly required: readonly string[]) {}

  observe(input: PreflightInput): PreflightResult {
    const items = this.required.map((name) => this.check(name, input));
    return { required: [...this.required], items, passed: items.every((i) => i.status === 'ok'), at: input.now };
  }

  /** A required name matches raw streams of that kind or of that name; the best of them counts. */
  private check(name: string, input: PreflightInput): PreflightItem {
    const candidates = input.streams.filter((s) => !s.derivedFrom && !s.liveOnly && (s.kind === name || s.name.toLowerCase() === name));
    if (candidates.length === 0) return { stream: name, status: 'missing', why: `${name}: not connected` };
    const checked = candidates.map((s) => this.checkStream(name, s, input));
    const order = { ok: 0, poor: 1, missing: 2 };
    return checked.reduce((best, c) => (order[c.status] < order[best.status] ? c : best));
  }

  private checkStream(name: string, info: StreamInfo, input: PreflightInput): PreflightItem {
    const item = (status: PreflightItem['status'], why: string): PreflightItem => ({ stream: name, status, why: `${name}: ${why}`, key: info.key });
    const device = input.devices.find((d) => d.deviceId === info.deviceId);
    if (!device || device.state !== 'streaming') return item('missing', `${device?.label ?? info.deviceId} is ${device?.state ?? 'not connected'}`);
    const stats = device.streams.find((s) => s.key === info.key);
    const history = this.historyOf(info.key);
    const lostShare = stats ? this.lostShare(history, input.now, stats.packets, stats.packetsLost) : 0;
    const quality = this.quality(info, history, input);
    const nominal = stats?.nominalRate || info.rate;
    if (nominal > 0) {
      const measured = stats?.measuredRate ?? 0;
      if (!(measured > 0)) return item('poor', `no rate measured yet (nominal ${hz(nominal)})`);
      const off = (measured - nominal) / nominal;
      if (Math.abs(off) > RATE_TOLERANCE) return item('poor', `running at ${hz(measured)}, ${pct(Math.abs(off))} ${off < 0 ? 'under' : 'over'} its nominal ${hz(nominal)}`);
    }
    if (lostShare > MAX_LOST_SHARE) return item('poor', `${pct(lostShare)} of packets lost in the last ${HOLD_S} s`);
    if (quality.poor) return item('poor', quality.why);
    return item('ok', `${nominal > 0 ? `${hz(stats?.measuredRate ?? 0)} (nominal ${hz(nominal)})` : 'irregular stream'}${quality.why ? `, ${quality.why}` : ''}`);
  }

  private historyOf(key: string): StreamHistory {
    let h = this.history.get(key);
    if (!h) this.history.set(key, (h = { lastPoorAt: -Infinity, poorSince: Infinity, packets: [] }));
    return h;
  }

  /** Share of packets lost since the oldest count still within HOLD_S (keeping one at or before the window's start). */
  private lostShare(h: StreamHistory, now: number, packets: number, lost: number): number {
    h.packets.push({ t: now, packets, lost });
    while (h.packets.length > 1 && h.packets[1].t <= now - HOLD_S) h.packets.shift();
    const first = h.packets[0];
    const dLost = lost - first.lost;
    const total = packets - first.packets + dLost;
    return total > 0 ? dLost / total : 0;
  }

  /** The worst rating the analysis gives the stream now; poor too when it was poor within HOLD_S, or is not rated yet. */
  private quality(info: StreamInfo, h: StreamHistory, input: PreflightInput): { poor: boolean; why: string } {
    const ratings = input.numerics.filter((n) => n.key === info.key && n.quality !== null);
    if (ratings.length === 0) {
      return RATED_KINDS.has(info.kind) ? { poor: true, why: 'no signal quality rating yet (the live analysis needs a few seconds of signal)' } : { poor: false, why: '' };
    }
    const worst = ratings.reduce((w, n) => (RANK[n.quality!] > RANK[w.quality!] ? n : w));
    if (worst.quality === 'poor') {
      if (h.lastPoorAt === -Infinity || h.lastPoorAt < input.now - HOLD_S) h.poorSince = input.now;
      h.lastPoorAt = input.now;
      const lasting = input.now - h.poorSince;
      return { poor: true, why: `signal quality poor${lasting >= 1 ? ` for the last ${lasting.toFixed(0)} s` : ''} (${worst.label} rated poor by the live analysis)` };
    }
    if (input.now - h.lastPoorAt < HOLD_S) {
      return { poor: true, why: `signal quality ${worst.quality} for ${(input.now - h.lastPoorAt).toFixed(0)} s only; ${HOLD_S} s needed after a poor rating` };
    }
    return { poor: false, why: `quality ${worst.quality}` };
  }
}
