/**
 * The configurable list of label texts with their hotkeys, kept in localStorage as text the user
 * edits: "1 motion, 2 AF, 3 bad contact". A hotkey is one digit, so it never clashes with the
 * review's navigation and editing keys. Pure (the storage is passed in).
 */

export interface LabelChoice {
  /** A digit 1-9. */
  hotkey: string;
  text: string;
}

export const DEFAULT_LABELS_TEXT = '1 motion, 2 AF, 3 bad contact, 4 artifact, 5 noise';
export const LABELS_STORAGE_KEY = 'vitalscope.review.labels';

/** Parse "1 motion, 2 AF, …": each entry a hotkey digit and a text; errors say which entry is wrong. */
export function parseLabelList(text: string): { labels: LabelChoice[]; errors: string[] } {
  const labels: LabelChoice[] = [];
  const errors: string[] = [];
  const used = new Set<string>();
  text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .forEach((entry, i) => {
      const m = /^([1-9])\s+(.+)$/.exec(entry);
      if (!m) {
        errors.push(`entry ${i + 1} “${entry}”: start it with a hotkey digit 1-9 and a space, e.g. “1 motion”`);
        return;
      }
      if (used.has(m[1])) {
        errors.push(`entry ${i + 1} “${entry}”: hotkey ${m[1]} is already taken`);
        return;
      }
      used.add(m[1]);
      labels.push({ hotkey: m[1], text: m[2].trim() });
    });
  return { labels, errors };
}

export function formatLabelList(labels: readonly LabelChoice[]): string {
  return labels.map((l) => `${l.hotkey} ${l.text}`).join(', ');
}

interface TextStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** The saved list, or the default when none is saved or the saved one no longer parses. */
export function loadLabelList(store: TextStore | undefined): LabelChoice[] {
  let saved: string | null = null;
  try {
    saved = store?.getItem(LABELS_STORAGE_KEY) ?? null;
  } catch {
    // Storage can be disabled (private mode): the default list still works.
  }
  const parsed = saved ? parseLabelList(saved) : null;
  return parsed && parsed.errors.length === 0 && parsed.labels.length > 0 ? parsed.labels : parseLabelList(DEFAULT_LABELS_TEXT).labels;
}

export function saveLabelList(store: TextStore | undefined, labels: readonly LabelChoice[]): void {
  try {
    store?.setItem(LABELS_STORAGE_KEY, formatLabelList(labels));
  } catch {
    // Not persisted; the list still applies to this page.
  }
}
