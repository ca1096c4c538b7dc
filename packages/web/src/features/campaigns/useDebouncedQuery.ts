import { useEffect, useMemo, useRef, useState } from 'react';
import type { ApiError } from '../../api/client.ts';
import { asApiError } from '../../ui/useApi.ts';
import { debouncedLoader } from './debouncedLoader.ts';

export interface DebouncedQuery<T> {
  /** The latest answer, kept on screen while the next one loads. */
  data: T | null;
  loading: boolean;
  error: ApiError | null;
}

/**
 * Calls `load(query)` once `query` (compared by its JSON) has been still for `delayMs`; a null
 * query loads nothing and clears the answer.
 */
export function useDebouncedQuery<Q, T>(
  query: Q | null,
  load: (query: Q, signal: AbortSignal) => Promise<T>,
  delayMs = 350,
): DebouncedQuery<T> {
  const [state, setState] = useState<DebouncedQuery<T>>({ data: null, loading: false, error: null });
  const loadRef = useRef(load);
  loadRef.current = load;
  const loader = useMemo(
    () =>
      debouncedLoader<Q, T>((q, signal) => loadRef.current(q, signal), delayMs, {
        loading: () => setState((s) => ({ ...s, loading: true })),
        done: (data) => setState({ data, loading: false, error: null }),
        failed: (err) => setState((s) => ({ ...s, loading: false, error: asApiError(err) })),
      }),
    [delayMs],
  );
  const key = query === null ? null : JSON.stringify(query);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` is `query` compared by value.
  useEffect(() => {
    if (query === null) {
      loader.cancel();
      setState({ data: null, loading: false, error: null });
      return;
    }
    setState((s) => ({ ...s, loading: true }));
    loader.request(query);
  }, [key, loader]);
  useEffect(() => () => loader.cancel(), [loader]);
  return state;
}
