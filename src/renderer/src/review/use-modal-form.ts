import { useEffect, useRef, type KeyboardEvent } from 'react';

/**
 * A form in a `<dialog>` shown modal while mounted (the browser keeps the focus inside; Escape
 * fires its `cancel`). Its keys stay its own, so the view's and the app's shortcuts stay quiet
 * behind it; Enter, except on a button (which Enter presses), submits.
 */
export function useModalForm(submit: () => void) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    element.showModal();
    return () => element.close();
  }, []);
  const onKeyDown = (e: KeyboardEvent<HTMLDialogElement>): void => {
    e.stopPropagation();
    if (e.key === 'Enter' && !(e.target instanceof HTMLButtonElement)) {
      e.preventDefault();
      submit();
    }
  };
  return { dialog, onKeyDown };
}
