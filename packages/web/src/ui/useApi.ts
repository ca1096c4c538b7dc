import { useCallback, useEffect, useState } from 'react';
import { ApiError } from '../api/client.ts';

export type Loadable<T> =
  | { state: 'loading' }
  | { state: 'error'; error: ApiError }
  | { state: 'ready'; data: T };

function asApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError(0, 'CLIENT', err instanceof Error ? err.message : String(err));
}

/**
 * Loads with `load` whenever `key` changes (null: nothing to load, stays 'loading' but idle);
 * `reload()` fetches again. An answer that arrives after the key changed is dropped.
 */
export function useApi<T>(
  key: string | null,
  load: (signal: AbortSignal) => Promise<T>,
): Loadable<T> & { reload: () => void } {
  const [value, setValue] = useState<Loadable<T>>({ state: 'loading' });
  const [tick, setTick] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` names what `load` reads.
  useEffect(() => {
    if (key === null) return;
    const controller = new AbortController();
    setValue({ state: 'loading' });
    load(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setValue({ state: 'ready', data });
      },
      (err: unknown) => {
        if (!controller.signal.aborted) setValue({ state: 'error', error: asApiError(err) });
      },
    );
    return () => controller.abort();
  }, [key, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...value, reload };
}

export { asApiError };
