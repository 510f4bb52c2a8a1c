// Asking before acting on one item (remove this one?): the Confirm dialog while the question is open.
// Confirming closes it first, then acts; Cancel or Escape only closes it.
import { useState, type ReactNode } from 'react';
import { Confirm } from './Confirm';

export interface Question {
  title: string;
  text: string;
  action: string;
}

export function useConfirm<T>(
  question: (item: T) => Question,
  act: (item: T) => void,
): { ask: (item: T) => void; dialog: ReactNode } {
  const [asking, setAsking] = useState<{ item: T } | null>(null);
  const dialog =
    asking === null ? null : (
      <Confirm
        {...question(asking.item)}
        onConfirm={() => {
          setAsking(null);
          act(asking.item);
        }}
        onCancel={() => {
          setAsking(null);
        }}
      />
    );
  const ask = (item: T) => {
    setAsking({ item });
  };
  return { ask, dialog };
}
