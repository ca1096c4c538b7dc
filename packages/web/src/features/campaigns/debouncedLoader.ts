/**
 * Loads after the input has been still for `delayMs`, and only the latest answer counts: a new
 * request cancels the timer and aborts the one in flight, so a slow answer to an old filter can
 * never overwrite the count for the filter on screen. Free of React so it can be tested alone.
 */
export interface DebouncedLoader<Q> {
  request(query: Q): void;
  cancel(): void;
}

export interface LoaderEvents<T> {
  loading(): void;
  done(value: T): void;
  failed(error: unknown): void;
}

export function debouncedLoader<Q, T>(
  load: (query: Q, signal: AbortSignal) => Promise<T>,
  delayMs: number,
  events: LoaderEvents<T>,
): DebouncedLoader<Q> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let inFlight: AbortController | null = null;
  const cancel = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    inFlight?.abort();
    inFlight = null;
  };
  return {
    request(query) {
      cancel();
      timer = setTimeout(() => {
        timer = null;
        const controller = new AbortController();
        inFlight = controller;
        events.loading();
        load(query, controller.signal).then(
          (value) => {
            if (!controller.signal.aborted) events.done(value);
          },
          (error: unknown) => {
            if (!controller.signal.aborted) events.failed(error);
          },
        );
      }, delayMs);
    },
    cancel,
  };
}
