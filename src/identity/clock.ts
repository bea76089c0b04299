// Time as the domain sees it: injected, so retry schedules, caches and pauses are tested without real waiting.

export interface Clock {
  /** Milliseconds since the epoch, like Date.now. */
  now(): number;
  /** Resolves after `ms`; rejects with an AbortError (which toIdentityError words as cancelled) when `signal` aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortError());
        return;
      }
      const onAbort = () => {
        clearTimeout(timer);
        reject(abortError());
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** The error a cancelled wait rejects with; toIdentityError words it as the domain's cancelled error. */
export function abortError(): Error {
  const error = new Error('The wait was cancelled.');
  error.name = 'AbortError';
  return error;
}
