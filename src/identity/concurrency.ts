// Bounded concurrency for the domain's fan-outs: a bulk write (bulk.ts) and the ARM listing of many subscriptions
// (IdentityOperations.listHosts). One limiter decides when each task starts; what a task does, and whether it still
// should once cancelled, is the task's business.

/** Runs a task given to it. */
export type ConcurrencyLimit = <T>(task: () => Promise<T>) => Promise<T>;

/**
 * A limiter: each task given to it runs once fewer than `limit` of its tasks are running, and waiting tasks start in
 * the order they were given. A finishing task hands its slot straight to the next waiting one, so a task given later
 * never overtakes one that is waiting. A task that must not start after a cancellation checks its signal first.
 */
export function concurrencyLimit(limit: number): ConcurrencyLimit {
  const most = Math.max(1, Math.floor(limit));
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running < most) {
      running++;
    } else {
      await new Promise<void>((start) => waiting.push(start));
    }
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) {
        next();
      } else {
        running--;
      }
    }
  };
}
