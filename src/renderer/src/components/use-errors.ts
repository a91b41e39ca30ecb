import { useCallback, useState } from 'react';
import { errorMessage } from '../format';

export interface ErrorItem {
  id: number;
  message: string;
  count: number;
}

let nextId = 1;

/** The error banner's list: `report` adds (repeats of the latest message are counted), `dismiss` removes. */
export function useErrors(): {
  errors: ErrorItem[];
  report(error: unknown, context?: string): void;
  dismiss(id: number): void;
} {
  const [errors, setErrors] = useState<ErrorItem[]>([]);
  const report = useCallback((error: unknown, context?: string) => {
    const message = context ? `${context}: ${errorMessage(error)}` : errorMessage(error);
    setErrors((list) => {
      const last = list[list.length - 1];
      if (last && last.message === message) return [...list.slice(0, -1), { ...last, count: last.count + 1 }];
      return [...list.slice(-4), { id: nextId++, message, count: 1 }];
    });
  }, []);
  const dismiss = useCallback((id: number) => setErrors((list) => list.filter((e) => e.id !== id)), []);
  return { errors, report, dismiss };
}
