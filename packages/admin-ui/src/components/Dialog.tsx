import { useEffect, useId, useRef, type ReactNode, type RefObject } from 'react';

/**
 * A modal <dialog> with its title (and, when given, the line that describes it): the browser's own
 * modal, so the page behind it is inert and focus stays inside. Escape calls `onEscape`; without it
 * Escape does nothing (the new token's dialog: closing it loses the token for good). `onClosed` hears
 * any other way the browser closes it, so a page never keeps a dialog it no longer shows.
 */
export function Dialog({
  title,
  text,
  className,
  focusFirst,
  onEscape,
  onClosed,
  children,
}: {
  title: string;
  text?: string;
  className?: string;
  /** Focused once the dialog is open; without it the browser's (and autoFocus's) choice stands. */
  focusFirst?: RefObject<HTMLElement | null>;
  onEscape?: () => void;
  onClosed?: () => void;
  children: ReactNode;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const textId = useId();
  // Read once: the dialog opens once, when it is mounted.
  const first = useRef(focusFirst);
  useEffect(() => {
    const element = dialog.current;
    if (element === null) return;
    if (!element.open) element.showModal();
    first.current?.current?.focus();
    return () => {
      element.close();
    };
  }, []);
  return (
    <dialog
      ref={dialog}
      className={className === undefined ? 'dialog' : `dialog ${className}`}
      aria-labelledby={titleId}
      aria-describedby={text === undefined ? undefined : textId}
      onCancel={(event) => {
        event.preventDefault();
        onEscape?.();
      }}
      onClose={onClosed}
    >
      <h2 id={titleId}>{title}</h2>
      {text !== undefined && <p id={textId}>{text}</p>}
      {children}
    </dialog>
  );
}
