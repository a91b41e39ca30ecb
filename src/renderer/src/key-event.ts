import type { ReviewKey } from './review/review-keys';

/** The parts of a key press the (pure) shortcut tables look at. */
export function keyOf(e: KeyboardEvent): ReviewKey {
  const target = e.target instanceof HTMLElement ? e.target : null;
  return {
    key: e.key,
    ctrlKey: e.ctrlKey,
    metaKey: e.metaKey,
    altKey: e.altKey,
    shiftKey: e.shiftKey,
    repeat: e.repeat,
    targetTag: target?.tagName ?? '',
    targetEditable: target?.isContentEditable ?? false,
  };
}
