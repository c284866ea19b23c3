import { useCallback, useState } from 'react';

const PREFIX = 'ansinh:draft:';

function read<T>(key: string, initial: T): T {
  try {
    const stored = window.sessionStorage.getItem(PREFIX + key);
    return stored === null ? initial : ({ ...initial, ...(JSON.parse(stored) as object) } as T);
  } catch {
    return initial;
  }
}

/**
 * A form's values kept in the tab's session storage as they are typed, so that nothing typed is lost
 * when the graph refuses it, the page reloads, or an ended session goes through the login and comes
 * back. `clear` forgets them once the form has been saved.
 */
export function useDraft<T extends object>(key: string, initial: T) {
  const [value, setValue] = useState<T>(() => read(key, initial));
  const update = useCallback(
    (change: Partial<T>) =>
      setValue((previous) => {
        const next = { ...previous, ...change };
        try {
          window.sessionStorage.setItem(PREFIX + key, JSON.stringify(next));
        } catch {
          // A full or disabled storage only loses the draft's copy, never the form.
        }
        return next;
      }),
    [key],
  );
  const clear = useCallback(
    (next: T = initial) => {
      window.sessionStorage.removeItem(PREFIX + key);
      setValue(next);
    },
    // Not on `initial`: it is a fresh object each render, and the key names the form.
    [key],
  );
  return [value, update, clear] as const;
}

/** Forgets every draft of the tab (on logout: the next official must not see them). */
export function clearDrafts(): void {
  for (const key of Object.keys(window.sessionStorage))
    if (key.startsWith(PREFIX)) window.sessionStorage.removeItem(key);
}
