// The bulk runner of issue 10: bounded concurrency, isolated failures, Retry-After pauses, cancellation, and a
// summary in a stable order. Time is a manual clock; work is controlled by the test.
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, it } from 'node:test';
import type { Clock } from '../../src/identity/clock';
import { toIdentityError } from '../../src/identity/errorWording';
import { ServiceError } from '../../src/identity/serviceError';
import {
  bulkProgressText,
  bulkSummaryHeadline,
  bulkSummaryLines,
  failedItems,
  mergeRetry,
  retryAfterMsOf,
  runBulk,
  type BulkProgress,
} from '../../src/identity/bulk';

/** A clock that moves only when the test advances it. */
function manualClock() {
  let now = 0;
  const sleepers: { until: number; resolve: () => void }[] = [];
  const clock: Clock = {
    now: () => now,
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        const sleeper = { until: now + ms, resolve };
        sleepers.push(sleeper);
        signal?.addEventListener(
          'abort',
          () => {
            sleepers.splice(sleepers.indexOf(sleeper), 1);
            reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
          },
          { once: true },
        );
      }),
  };
  const advance = async (ms: number) => {
    now += ms;
    for (const sleeper of sleepers.filter((s) => s.until <= now)) {
      sleepers.splice(sleepers.indexOf(sleeper), 1);
      sleeper.resolve();
    }
    await settle();
  };
  return { clock, advance, sleeping: () => sleepers.length };
}

/** Lets every pending promise callback run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await nextTurn();
  }
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const changed = { status: 'changed' as const };
const unchanged = { status: 'unchanged' as const };
const names = (n: number) => Array.from({ length: n }, (_, i) => `vm-${String(i + 1).padStart(2, '0')}`);

describe('runBulk', () => {
  it('never runs more than the limit at once, and uses all of it', async () => {
    let inFlight = 0;
    let most = 0;
    const items = names(20);
    const summary = await runBulk(
      items,
      async (item) => {
        inFlight++;
        most = Math.max(most, inFlight);
        // Finish after a varying number of turns, so items overtake each other.
        for (let i = 0; i < (Number(item.slice(3)) * 7) % 5; i++) {
          await nextTurn();
        }
        inFlight--;
        return changed;
      },
      { concurrency: 3 },
    );
    assert.equal(most, 3);
    assert.equal(summary.counts.changed, 20);
    assert.deepEqual(summary.results.map((r) => r.item), items, 'input order, whatever order they finished in');
  });

  it('defaults to 6 at once', async () => {
    let inFlight = 0;
    let most = 0;
    await runBulk(names(10), async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await nextTurn();
      inFlight--;
      return changed;
    });
    assert.equal(most, 6);
  });

  it('one failure stops nothing else; Retry Failed runs only the failed ones', async () => {
    const items = names(20);
    const failing = new Set(['vm-04', 'vm-11', 'vm-17']);
    const progress: BulkProgress[] = [];
    const first = await runBulk(
      items,
      async (item) => {
        await nextTurn();
        if (failing.has(item)) {
          throw new Error(`Azure refused ${item}`);
        }
        return item === 'vm-20' ? unchanged : changed;
      },
      { concurrency: 4, onProgress: (p) => progress.push(p) },
    );
    assert.deepEqual(first.counts, { changed: 16, unchanged: 1, failed: 3, notStarted: 0 });
    assert.equal(first.cancelled, false);
    assert.deepEqual(failedItems(first), ['vm-04', 'vm-11', 'vm-17']);
    assert.equal(first.results[3].reason, 'Azure refused vm-04');
    assert.deepEqual(progress.at(-1), { done: 20, failed: 3, running: 0, total: 20 });
    assert.ok(progress.every((p) => p.running <= 4));

    const retried: string[] = [];
    const retry = await runBulk(failedItems(first), async (item) => {
      retried.push(item);
      return changed;
    });
    assert.deepEqual(retried.sort(), ['vm-04', 'vm-11', 'vm-17']);
    const merged = mergeRetry(first, retry);
    assert.deepEqual(merged.counts, { changed: 19, unchanged: 1, failed: 0, notStarted: 0 });
    assert.deepEqual(merged.results.map((r) => r.item), items);
  });

  it('Cancel stops new starts, lets running ones finish, and says which finished', async () => {
    const controller = new AbortController();
    const running = new Map<string, ReturnType<typeof deferred<typeof changed>>>();
    const started: string[] = [];
    const run = runBulk(
      names(5),
      (item) => {
        started.push(item);
        const d = deferred<typeof changed>();
        running.set(item, d);
        return d.promise;
      },
      { concurrency: 2, signal: controller.signal },
    );
    await settle();
    assert.deepEqual(started, ['vm-01', 'vm-02']);
    running.get('vm-01')!.resolve(changed);
    await settle();
    assert.deepEqual(started, ['vm-01', 'vm-02', 'vm-03']);
    controller.abort();
    running.get('vm-02')!.reject(new Error('conflict'));
    running.get('vm-03')!.resolve(changed);
    const summary = await run;
    assert.deepEqual(started, ['vm-01', 'vm-02', 'vm-03'], 'nothing started after Cancel');
    assert.deepEqual(
      summary.results.map((r) => [r.item, r.outcome]),
      [
        ['vm-01', 'changed'],
        ['vm-02', 'failed'],
        ['vm-03', 'changed'],
        ['vm-04', 'notStarted'],
        ['vm-05', 'notStarted'],
      ],
    );
    assert.equal(summary.cancelled, true);
    assert.equal(bulkSummaryHeadline(summary), 'Cancelled: 3 finished (2 changed, 1 failed), 2 not started.');
  });

  it('Retry-After holds back new starts until then, and the throttled item runs again', async () => {
    const { clock, advance } = manualClock();
    const started: string[] = [];
    const progress: BulkProgress[] = [];
    let throttledOnce = false;
    const pending = new Map<string, ReturnType<typeof deferred<typeof changed>>>();
    const run = runBulk(
      names(4),
      (item) => {
        started.push(item);
        if (item === 'vm-01' && !throttledOnce) {
          throttledOnce = true;
          return Promise.reject(Object.assign(new Error('Too many requests'), { retryAfterMs: 5_000 }));
        }
        const d = deferred<typeof changed>();
        pending.set(item, d);
        return d.promise;
      },
      { concurrency: 2, clock, onProgress: (p) => progress.push(p) },
    );
    await settle();
    // vm-01 was throttled at once; vm-02 had already started; nothing else may start for 5 s.
    assert.deepEqual(started, ['vm-01', 'vm-02']);
    assert.ok(progress.some((p) => p.waitingMs === 5_000));
    pending.get('vm-02')!.resolve(changed);
    await settle();
    assert.deepEqual(started, ['vm-01', 'vm-02'], 'a slot is free, but the pause holds');
    await advance(4_999);
    assert.deepEqual(started, ['vm-01', 'vm-02']);
    await advance(1);
    assert.deepEqual(started, ['vm-01', 'vm-02', 'vm-01', 'vm-03'], 'the throttled item first, then the next');
    for (const item of ['vm-01', 'vm-03']) pending.get(item)!.resolve(changed);
    await settle();
    pending.get('vm-04')!.resolve(changed);
    const summary = await run;
    assert.deepEqual(summary.counts, { changed: 4, unchanged: 0, failed: 0, notStarted: 0 });
  });

  it('an item throttled again and again fails with the reason, after its retries', async () => {
    const { clock, advance } = manualClock();
    let calls = 0;
    const run = runBulk(
      ['vm-01'],
      async () => {
        calls++;
        throw Object.assign(new Error('Azure is throttling requests'), { retryAfterMs: 1_000 });
      },
      { clock, throttleRetries: 2 },
    );
    await settle();
    await advance(1_000);
    await advance(1_000);
    const summary = await run;
    assert.equal(calls, 3);
    assert.equal(summary.results[0].outcome, 'failed');
    assert.equal(summary.results[0].reason, 'Azure is throttling requests');
  });

  it('Cancel during a Retry-After pause ends the wait; the throttled item reports its error, the rest did not start', async () => {
    const { clock, sleeping } = manualClock();
    const controller = new AbortController();
    const run = runBulk(
      names(3),
      async (item) => {
        if (item === 'vm-01') throw Object.assign(new Error('throttled'), { retryAfterMs: 60_000 });
        return changed;
      },
      { concurrency: 1, clock, signal: controller.signal },
    );
    await settle();
    assert.equal(sleeping(), 1);
    controller.abort();
    const summary = await run;
    assert.deepEqual(summary.results.map((r) => r.outcome), ['failed', 'notStarted', 'notStarted']);
    assert.equal(summary.results[0].reason, 'throttled');
  });

  it('an empty list is done at once', async () => {
    const summary = await runBulk([], async () => changed);
    assert.deepEqual(summary.results, []);
    assert.equal(bulkSummaryHeadline(summary), 'Nothing to change.');
  });
});

describe('retryAfterMsOf', () => {
  it('reads retryAfterMs from the error or a wrapped cause', () => {
    assert.equal(retryAfterMsOf(Object.assign(new Error('x'), { retryAfterMs: 2_000 })), 2_000);
    assert.equal(retryAfterMsOf(new Error('wrapped', { cause: Object.assign(new Error('x'), { retryAfterMs: 0 }) })), 0);
    assert.equal(retryAfterMsOf(new Error('x')), undefined);
    // As the pipeline hands errors over: the Azure layer's ServiceError, or the IdentityError worded from it.
    const throttled = new ServiceError('Too many requests', { service: 'arm', status: 429, code: 'TooManyRequests', retryAfterMs: 3_000 });
    assert.equal(retryAfterMsOf(throttled), 3_000);
    assert.equal(retryAfterMsOf(toIdentityError(throttled)), 3_000);
    assert.equal(retryAfterMsOf(Object.assign(new Error('x'), { retryAfterMs: 'soon' })), undefined);
  });
});

describe('bulk wording', () => {
  it('progress counts, and the wait', () => {
    assert.equal(bulkProgressText({ done: 7, failed: 1, running: 6, total: 20 }), '7 of 20 done, 1 failed');
    assert.equal(bulkProgressText({ done: 7, failed: 0, running: 6, total: 20 }), '7 of 20 done');
    assert.equal(bulkProgressText({ done: 2, failed: 0, running: 0, total: 20, waitingMs: 4_200 }), '2 of 20 done (Azure asked to wait 5 s before the next)');
  });

  it('the summary: a headline, then failures first with reasons, each group in input order', async () => {
    const summary = await runBulk(['vm-a', 'vm-b', 'vm-c', 'vm-d'], async (item) => {
      if (item === 'vm-c' || item === 'vm-a') throw new Error(`no access to ${item}`);
      return item === 'vm-d' ? unchanged : changed;
    });
    assert.equal(bulkSummaryHeadline(summary), '1 changed, 1 unchanged, 2 failed.');
    assert.deepEqual(bulkSummaryLines(summary, (item) => item), [
      'vm-a: failed: no access to vm-a',
      'vm-c: failed: no access to vm-c',
      'vm-b: changed',
      'vm-d: unchanged',
    ]);
  });
});
