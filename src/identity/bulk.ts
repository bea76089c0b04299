// One change on many resources (issue 10): each item is its own write through the one pipeline; this runner only
// decides when each starts. At most `concurrency` run at once; a failure stops nothing else; Azure's Retry-After
// pauses new starts; cancelling stops new starts and lets running ones finish. The summary keeps the input order.
import { systemClock, type Clock } from './clock';
import { concurrencyLimit } from './concurrency';
import { defaultLocalize, type Localize } from './localize';

/** What one item's work reports (IdentityChangeResult fits). */
export interface BulkWorkResult {
  status: 'changed' | 'unchanged';
}

export type BulkOutcome = 'changed' | 'unchanged' | 'failed' | 'notStarted';

export interface BulkItemResult<T, R extends BulkWorkResult = BulkWorkResult> {
  item: T;
  outcome: BulkOutcome;
  /** The work's answer, when it finished. */
  result?: R;
  /** What the work threw, when it failed. */
  error?: unknown;
  /** The failure for a person (the error's message unless `describeError` says otherwise). */
  reason?: string;
}

export interface BulkSummary<T, R extends BulkWorkResult = BulkWorkResult> {
  /** One per item, in the order the items were given, whatever order they finished in. */
  results: BulkItemResult<T, R>[];
  /** Cancelled before every item started. */
  cancelled: boolean;
  counts: Record<BulkOutcome, number>;
}

export interface BulkProgress {
  /** Finished, whether changed, unchanged or failed. */
  done: number;
  failed: number;
  running: number;
  total: number;
  /** While Azure's Retry-After holds new starts back: how long is left. */
  waitingMs?: number;
}

export interface BulkOptions {
  /** Most items running at once (the setting; default 6). */
  concurrency?: number;
  /** Aborting stops new starts; running items finish (their own cancellation is the work's business). */
  signal?: AbortSignal;
  onProgress?: (progress: BulkProgress) => void;
  clock?: Clock;
  /** Times an item refused with a Retry-After is started again after the pause (default 2); then it fails. */
  throttleRetries?: number;
  /** The reason shown for a failure; default the error's message. */
  describeError?: (error: unknown) => string;
}

export const DEFAULT_BULK_CONCURRENCY = 6;

/** Retry-After as the Azure layer's neutral error (or an IdentityError made from it) carries it, in milliseconds;
 *  a wrapped cause is looked at too. */
export function retryAfterMsOf(error: unknown): number | undefined {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const value = (current as { retryAfterMs?: unknown }).retryAfterMs;
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) {
      return value;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Runs `work` on every item, at most `concurrency` at once, and reports each item's outcome. "Retry Failed" is
 * runBulk again on {@link failedItems} of the summary (then {@link mergeRetry} for the combined summary).
 */
export async function runBulk<T, R extends BulkWorkResult>(
  items: readonly T[],
  work: (item: T) => Promise<R>,
  options: BulkOptions = {},
): Promise<BulkSummary<T, R>> {
  const clock = options.clock ?? systemClock;
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_BULK_CONCURRENCY));
  const throttleRetries = options.throttleRetries ?? 2;
  const describeError = options.describeError ?? ((error: unknown) => (error instanceof Error ? error.message : String(error)));
  const signal = options.signal;

  const results: (BulkItemResult<T, R> | undefined)[] = items.map(() => undefined);
  const lastError: (unknown[] | undefined)[] = items.map(() => undefined);
  const throttled = items.map(() => 0);
  let running = 0;
  let pausedUntil = 0;

  const report = () => {
    const finished = results.filter((result) => result !== undefined);
    const waitingMs = pausedUntil - clock.now();
    options.onProgress?.({
      done: finished.length,
      failed: finished.filter((result) => result!.outcome === 'failed').length,
      running,
      total: items.length,
      ...(waitingMs > 0 ? { waitingMs } : {}),
    });
  };

  /** Waits out a Retry-After pause; false when cancelled, before or meanwhile. */
  const waitForPause = async (): Promise<boolean> => {
    if (signal?.aborted) {
      return false;
    }
    for (let left = pausedUntil - clock.now(); left > 0; left = pausedUntil - clock.now()) {
      report();
      try {
        await clock.sleep(left, signal);
      } catch {
        return false;
      }
    }
    return !signal?.aborted;
  };

  /** One item in its turn: waits out a Retry-After pause first, and runs again in the same turn after one of its own
   *  (so it starts before the items after it). Returns without starting when cancelled. */
  const runItem = async (index: number) => {
    while (await waitForPause()) {
      running++;
      report();
      try {
        const result = await work(items[index]);
        results[index] = { item: items[index], outcome: result.status, result };
        return;
      } catch (error) {
        const retryAfterMs = retryAfterMsOf(error);
        if (retryAfterMs === undefined || throttled[index] >= throttleRetries) {
          results[index] = { item: items[index], outcome: 'failed', error, reason: describeError(error) };
          return;
        }
        throttled[index]++;
        lastError[index] = [error];
        pausedUntil = Math.max(pausedUntil, clock.now() + retryAfterMs);
      } finally {
        running--;
        report();
      }
    }
  };

  const inTurn = concurrencyLimit(concurrency);
  await Promise.all(items.map((_, index) => inTurn(() => runItem(index))));

  const final = items.map((item, index): BulkItemResult<T, R> => {
    const result = results[index];
    if (result) {
      return result;
    }
    // Throttled, then cancelled before its next start: it ran and failed, so say why.
    const thrown = lastError[index];
    return thrown ? { item, outcome: 'failed', error: thrown[0], reason: describeError(thrown[0]) } : { item, outcome: 'notStarted' };
  });
  return summarize(final);
}

function summarize<T, R extends BulkWorkResult>(results: BulkItemResult<T, R>[]): BulkSummary<T, R> {
  const counts: Record<BulkOutcome, number> = { changed: 0, unchanged: 0, failed: 0, notStarted: 0 };
  for (const result of results) {
    counts[result.outcome]++;
  }
  return { results, cancelled: counts.notStarted > 0, counts };
}

/** The items to run again for Retry Failed. */
export function failedItems<T>(summary: BulkSummary<T, BulkWorkResult>): T[] {
  return summary.results.filter((result) => result.outcome === 'failed').map((result) => result.item);
}

/** The first run's summary with each retried item's new outcome in its place (items matched by identity). */
export function mergeRetry<T, R extends BulkWorkResult>(first: BulkSummary<T, R>, retry: BulkSummary<T, R>): BulkSummary<T, R> {
  const retried = new Map(retry.results.map((result) => [result.item, result]));
  return summarize(first.results.map((result) => retried.get(result.item) ?? result));
}

/** "7 of 20 done, 1 failed", and while Azure holds new starts back, how long for. */
export function bulkProgressText(progress: BulkProgress, t: Localize = defaultLocalize): string {
  const counts =
    progress.failed > 0
      ? t('{0} of {1} done, {2} failed', progress.done, progress.total, progress.failed)
      : t('{0} of {1} done', progress.done, progress.total);
  return progress.waitingMs !== undefined
    ? t('{0} (Azure asked to wait {1} s before the next)', counts, Math.ceil(progress.waitingMs / 1000))
    : counts;
}

/** The summary's first line: "17 changed, 3 failed." or, after Cancel, how many finished and how many never started. */
export function bulkSummaryHeadline(summary: BulkSummary<unknown, BulkWorkResult>, t: Localize = defaultLocalize): string {
  const { changed, unchanged, failed, notStarted } = summary.counts;
  const parts = [
    changed > 0 ? t('{0} changed', changed) : undefined,
    unchanged > 0 ? t('{0} unchanged', unchanged) : undefined,
    failed > 0 ? t('{0} failed', failed) : undefined,
  ].filter((part): part is string => part !== undefined);
  const finished = summary.results.length - notStarted;
  if (summary.cancelled) {
    return parts.length > 0
      ? t('Cancelled: {0} finished ({1}), {2} not started.', finished, parts.join(', '), notStarted)
      : t('Cancelled: none finished, {0} not started.', notStarted);
  }
  return parts.length > 0 ? t('{0}.', parts.join(', ')) : t('Nothing to change.');
}

/** One line per item for the summary: failures first (with their reasons), then changed, unchanged and not started;
 *  within each, the order the items were given. */
export function bulkSummaryLines<T>(summary: BulkSummary<T, BulkWorkResult>, label: (item: T) => string, t: Localize = defaultLocalize): string[] {
  const order: BulkOutcome[] = ['failed', 'changed', 'unchanged', 'notStarted'];
  return order.flatMap((outcome) =>
    summary.results
      .filter((result) => result.outcome === outcome)
      .map((result) => {
        const name = label(result.item);
        switch (outcome) {
          case 'failed':
            return t('{0}: failed: {1}', name, result.reason ?? '');
          case 'changed':
            return t('{0}: changed', name);
          case 'unchanged':
            return t('{0}: unchanged', name);
          default:
            return t('{0}: not started (cancelled)', name);
        }
      }),
  );
}
