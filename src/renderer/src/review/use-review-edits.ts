import { useCallback, useMemo, useRef, useState } from 'react';
import type { VitalsApi } from '../../../shared/api';
import type { BeatSeries } from '../../../shared/review';
import { describeAction, invertAction, LabelIds, type ReviewAction } from './review-actions';
import { UndoStack } from './undo-stack';

interface Options {
  api: VitalsApi;
  sessionId: number;
  /** A stream's beat set changed (the engine answers an edit with the new set). */
  onBeats(series: BeatSeries): void;
  /** Labels changed: reload the session's events. */
  onLabels(): void;
  report(error: unknown, context: string): void;
}

export interface ReviewEdits {
  perform(action: ReviewAction): void;
  undo(): void;
  redo(): void;
  /** Titles for the undo/redo buttons; null when there is nothing to undo/redo. */
  undoTitle: string | null;
  redoTitle: string | null;
}

/**
 * Runs label and beat edits through the API one at a time, and undoes/redoes them client-side:
 * an undo runs the inverse action (add↔delete, move back, reject↔unreject).
 */
export function useReviewEdits({ api, sessionId, onBeats, onLabels, report }: Options): ReviewEdits {
  const stack = useMemo(() => new UndoStack<ReviewAction>(), []);
  const ids = useMemo(() => new LabelIds(), []);
  const queue = useRef<Promise<void>>(Promise.resolve());
  const [, setVersion] = useState(0);
  const callbacks = useRef({ onBeats, onLabels, report });
  callbacks.current = { onBeats, onLabels, report };

  /** Runs one action; returns it as done (a re-added label with its new id). */
  const run = useCallback(
    async (a: ReviewAction): Promise<ReviewAction> => {
      switch (a.kind) {
        case 'label-add': {
          const id = await api.addLabel(sessionId, a.label);
          if (a.id !== undefined) ids.renamed(a.id, id);
          callbacks.current.onLabels();
          return { ...a, id };
        }
        case 'label-delete': {
          const id = ids.current(a.id);
          await api.deleteLabel(sessionId, id);
          callbacks.current.onLabels();
          return { ...a, id };
        }
        case 'label-update': {
          const id = ids.current(a.id);
          await api.updateLabel(sessionId, id, a.to);
          callbacks.current.onLabels();
          return { ...a, id };
        }
        case 'beats':
          callbacks.current.onBeats(await api.editBeats(sessionId, a.key, a.edits));
          return a;
      }
    },
    [api, sessionId, ids],
  );

  const enqueue = useCallback((context: string, step: () => Promise<void>) => {
    queue.current = queue.current
      .then(step)
      .catch((e: unknown) => callbacks.current.report(e, context))
      .finally(() => setVersion((v) => v + 1));
  }, []);

  const perform = useCallback(
    (action: ReviewAction) => enqueue(`Could not ${describeAction(action)}`, async () => stack.push(await run(action))),
    [enqueue, run, stack],
  );
  const undo = useCallback(
    () =>
      enqueue('Undo', async () => {
        const a = stack.peekUndo();
        if (a) stack.undid(invertAction(await run(invertAction(a))));
      }),
    [enqueue, run, stack],
  );
  const redo = useCallback(
    () =>
      enqueue('Redo', async () => {
        const a = stack.peekRedo();
        if (a) stack.redid(await run(a));
      }),
    [enqueue, run, stack],
  );

  const nextUndo = stack.peekUndo();
  const nextRedo = stack.peekRedo();
  return {
    perform,
    undo,
    redo,
    undoTitle: nextUndo ? `Undo ${describeAction(nextUndo)} (Ctrl+Z)` : null,
    redoTitle: nextRedo ? `Redo ${describeAction(nextRedo)} (Ctrl+Shift+Z)` : null,
  };
}
