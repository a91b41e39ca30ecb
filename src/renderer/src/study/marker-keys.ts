/** Labels of the marker hotkeys 1-9, kept in this browser's localStorage. Pure but for the storage passed in. */

export const MARKER_KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;
export type MarkerLabels = Record<(typeof MARKER_KEYS)[number], string>;

const STORAGE_KEY = 'vitalscope.markerLabels';

export const DEFAULT_MARKER_LABELS: MarkerLabels = {
  '1': 'stimulus',
  '2': 'response',
  '3': 'artifact',
  '4': 'movement',
  '5': 'talking',
  '6': '6',
  '7': '7',
  '8': '8',
  '9': '9',
};

/** The stored labels; a key without one (or unreadable storage) gets its default. */
export function loadMarkerLabels(storage: Pick<Storage, 'getItem'> = localStorage): MarkerLabels {
  let stored: unknown = null;
  try {
    stored = JSON.parse(storage.getItem(STORAGE_KEY) ?? 'null');
  } catch {
    // Unreadable: the defaults, and the next save replaces it.
  }
  const labels = { ...DEFAULT_MARKER_LABELS };
  if (stored && typeof stored === 'object') {
    for (const key of MARKER_KEYS) {
      const value = (stored as Record<string, unknown>)[key];
      if (typeof value === 'string' && value.trim()) labels[key] = value.trim();
    }
  }
  return labels;
}

/** Keeps the labels (an empty one falls back to its default). */
export function saveMarkerLabels(labels: MarkerLabels, storage: Pick<Storage, 'setItem'> = localStorage): MarkerLabels {
  const kept = { ...DEFAULT_MARKER_LABELS };
  for (const key of MARKER_KEYS) if (labels[key].trim()) kept[key] = labels[key].trim();
  storage.setItem(STORAGE_KEY, JSON.stringify(kept));
  return kept;
}

/** The hotkey a key press is, or null. */
export function markerKeyOf(key: string): (typeof MARKER_KEYS)[number] | null {
  return (MARKER_KEYS as readonly string[]).includes(key) ? (key as (typeof MARKER_KEYS)[number]) : null;
}
