import { useEffect, useRef } from 'react';
import type { SessionSummary } from '../../../shared/types';
import { formatDuration } from '../format';

interface Props {
  session: SessionSummary;
  onConfirm(): void;
  onClose(): void;
}

/**
 * Asks before a session is deleted, naming it and its duration. Modal (the browser's own dialog:
 * focus stays inside, Escape closes); Cancel takes the focus first and Delete comes last, so a
 * stray Enter never deletes.
 */
export function DeleteSessionDialog({ session, onConfirm, onClose }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    element.showModal();
    cancel.current?.focus();
    return () => element.close();
  }, []);
  const duration = session.durationSec === null ? 'unfinished' : formatDuration(session.durationSec * 1000);
  return (
    <dialog ref={dialog} className="confirm-dialog" data-testid="delete-dialog" aria-labelledby="delete-dialog-title" onCancel={onClose}>
      <h3 id="delete-dialog-title">Delete session {session.id}?</h3>
      <p>
        <strong data-testid="delete-dialog-name">{session.name}</strong> ({duration}
        {session.participant ? `, ${session.participant}` : ''}) and everything recorded in it will be removed from the library for good.
      </p>
      <div className="dialog-buttons">
        <button type="button" ref={cancel} data-testid="delete-cancel" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="danger" data-testid="delete-confirm" onClick={onConfirm}>
          Delete
        </button>
      </div>
    </dialog>
  );
}
