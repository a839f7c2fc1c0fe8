// Small hooks shared by the screens.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { useApp } from './context.ts';

/**
 * Runs one async action at a time with a busy flag (forms disable their inputs while it runs, dashboard.md
 * §1.2). Anything thrown (an ERROR reply of the vault, a bug) goes to the full-page error box.
 */
export function useBusy(): [boolean, (task: () => Promise<void>) => void] {
  const { fail } = useApp();
  const [busy, setBusy] = useState(false);
  const mounted = useRef(true);
  useEffect(() => () => void (mounted.current = false), []);
  const run = useCallback(
    (task: () => Promise<void>) => {
      setBusy(true);
      task()
        .catch(fail)
        .finally(() => {
          if (mounted.current) setBusy(false);
        });
    },
    [fail],
  );
  return [busy, run];
}

/** Loads something once on mount; errors go to the error box. `undefined` while loading. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = []): T | undefined {
  const { fail } = useApp();
  const [value, setValue] = useState<T | undefined>(undefined);
  useEffect(() => {
    let live = true;
    setValue(undefined);
    load().then((result) => live && setValue(() => result), fail);
    return () => void (live = false);
  }, deps);
  return value;
}
