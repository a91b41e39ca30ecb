/**
 * The session library's rules, the same in the engine, the CLI and the UI: what a session name
 * and a tag may be, and which sessions a search and its filters keep. Pure.
 */
import type { SessionSummary } from './types';

export const MAX_NAME_CHARS = 200;
export const MAX_TAG_CHARS = 40;
export const MAX_TAGS = 32;

/** A session name as stored: trimmed, not empty, at most MAX_NAME_CHARS. Throws saying what is wrong. */
export function sessionName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw new Error('a session name cannot be empty');
  if (trimmed.length > MAX_NAME_CHARS) throw new Error(`a session name has at most ${MAX_NAME_CHARS} characters (got ${trimmed.length})`);
  return trimmed;
}

/** Tags as stored: trimmed, inner spaces collapsed, duplicates (ignoring case) dropped, sorted. Throws on a tag too long or too many. */
export function normalizeTags(tags: readonly string[]): string[] {
  const kept = new Map<string, string>();
  for (const raw of tags) {
    const tag = raw.trim().replace(/\s+/g, ' ');
    if (!tag) continue;
    if (tag.length > MAX_TAG_CHARS) throw new Error(`a tag has at most ${MAX_TAG_CHARS} characters: "${tag.slice(0, MAX_TAG_CHARS)}…"`);
    if (!kept.has(tag.toLowerCase())) kept.set(tag.toLowerCase(), tag);
  }
  if (kept.size > MAX_TAGS) throw new Error(`a session has at most ${MAX_TAGS} tags (got ${kept.size})`);
  return [...kept.values()].sort((a, b) => a.localeCompare(b));
}

export interface SessionFilter {
  /** Words that must all appear (ignoring case) in the name, participant, study, tags or device labels. */
  text?: string;
  /** The participant, exactly (ignoring case). */
  participant?: string;
  /** A tag the session carries (ignoring case). */
  tag?: string;
  /** The study, exactly (ignoring case). */
  study?: string;
  /** Started at or after this instant (ms since the Unix epoch). */
  since?: number;
  /** Started before this instant (ms since the Unix epoch). */
  until?: number;
  /** At least this long; sessions without an end (still recording) pass. */
  minDurationSec?: number;
}

export function filterSessions<T extends SessionSummary>(sessions: readonly T[], filter: SessionFilter): T[] {
  const words = (filter.text ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
  return sessions.filter((s) => {
    const started = Date.parse(s.startedAt);
    if (filter.since !== undefined && started < filter.since) return false;
    if (filter.until !== undefined && started >= filter.until) return false;
    if (filter.participant && !same(s.participant, filter.participant.trim())) return false;
    if (filter.study && !same(s.study, filter.study.trim())) return false;
    if (filter.tag && !s.tags.some((t) => same(t, filter.tag!.trim()))) return false;
    if (filter.minDurationSec && s.durationSec !== null && s.durationSec < filter.minDurationSec) return false;
    const haystack = [s.name, s.participant, s.study, ...s.tags, ...s.devices].join('\n').toLowerCase();
    return words.every((w) => haystack.includes(w));
  });
}

/**
 * An instant from a date the user typed: `YYYY-MM-DD` is that day's local midnight (as an
 * `<input type="date">` gives it), anything else an ISO 8601 time. `endOfDay` makes a bare date
 * mean the end of that day, so "until 2024-05-02" keeps the sessions of May 2.
 * Throws naming the text when it is not a date.
 */
export function parseDate(text: string, endOfDay = false): number {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  const ms = day ? new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3]) + (endOfDay ? 1 : 0)).getTime() : Date.parse(text);
  if (!Number.isFinite(ms)) throw new Error(`"${text}" is not a date (use YYYY-MM-DD or an ISO 8601 time)`);
  return ms;
}
