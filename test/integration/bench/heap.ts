// Heap the store holds for 10,000 VMs (10 subscriptions × 1,000, listed through Resource Graph as they would be),
// measured after a full garbage collection with the store reachable, against the same with nothing loaded.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { signInAs } from '../harness';
import { startFakeProcess } from './fakeProcess';
import { scenarioSeed } from './scenarioSeed';
import { expandEverySubscription, storeFor } from './storeTree';
import { round, type BenchSection } from './table';

function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

function heapUsedMb(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

export async function heapBench(): Promise<BenchSection> {
  const size = { subscriptions: 10, vmsPerSubscription: 1000 };
  const fake = await startFakeProcess(scenarioSeed(size), { latencyMs: 0, pageSize: 50 });
  try {
    const { ops } = signInAs(fake);
    const store = storeFor(ops);
    await store.loadSubscriptions(); // sign-in and clients, which are not the store's
    const before = heapUsedMb();
    const tree = await expandEverySubscription(store);
    const after = heapUsedMb();
    const hosts = [...tree.hostsBySubscription.values()].reduce((sum, list) => sum + list.length, 0);
    tree.hostsBySubscription.clear(); // only the store keeps them now
    const kept = heapUsedMb();
    return {
      title: 'Heap for 10,000 VMs in the store',
      notes: ['heapUsed after a full GC, before the load and after it with the store reachable (target: at most 50 MB).'],
      rows: [{ scenario: `${hosts} hosts (${size.subscriptions} × ${size.vmsPerSubscription} VMs + scale sets)`, heapBeforeMb: round(before, 1), heapAfterMb: round(kept, 1), storeMb: round(kept - before, 1), peakAfterLoadMb: round(after, 1) }],
    };
  } finally {
    await fake.stop();
  }
}
