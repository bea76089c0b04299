// The one limiter behind bulk writes and the ARM listing of many subscriptions: at most `limit` tasks at once, in the
// order given, a freed slot going to the longest-waiting task.
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { concurrencyLimit } from '../../src/identity/concurrency';

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await nextTurn();
  }
}

function deferred() {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('concurrencyLimit', () => {
  it('runs at most the limit at once, starting tasks in the order given', async () => {
    const inTurn = concurrencyLimit(3);
    const started: number[] = [];
    const running = new Map<number, ReturnType<typeof deferred>>();
    const all = Promise.all(
      Array.from({ length: 7 }, (_, n) =>
        inTurn(() => {
          started.push(n);
          const d = deferred();
          running.set(n, d);
          return d.promise;
        }),
      ),
    );
    const failedTaskRejectsAll = assert.rejects(all, /failed/, "a task's failure is its caller's");
    await settle();
    assert.deepEqual(started, [0, 1, 2]);
    running.get(1)!.resolve();
    await settle();
    assert.deepEqual(started, [0, 1, 2, 3], 'a freed slot goes to the next in order');
    running.get(0)!.reject(new Error('failed'));
    running.get(2)!.resolve();
    await settle();
    assert.deepEqual(started, [0, 1, 2, 3, 4, 5], 'a failed task frees its slot too');
    for (const n of [3, 4, 5]) running.get(n)!.resolve();
    await settle();
    assert.deepEqual(started, [0, 1, 2, 3, 4, 5, 6]);
    running.get(6)!.resolve();
    await failedTaskRejectsAll;
  });

  it('a task given while others wait does not overtake them', async () => {
    const inTurn = concurrencyLimit(1);
    const started: string[] = [];
    const first = deferred();
    const runs = [inTurn(() => (started.push('a'), first.promise)), inTurn(async () => void started.push('b'))];
    await settle();
    first.resolve();
    runs.push(inTurn(async () => void started.push('c')));
    await Promise.all(runs);
    assert.deepEqual(started, ['a', 'b', 'c']);
  });

  it('returns what each task returns', async () => {
    const inTurn = concurrencyLimit(2);
    assert.deepEqual(await Promise.all([1, 2, 3].map((n) => inTurn(async () => n * 10))), [10, 20, 30]);
  });
});
