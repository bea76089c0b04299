// `npm run bench:timeline -- 200x10`: one tree load (cold, then warm twice) of a scenario of subscriptions × VMs
// against the fake in its own process at 50 ms latency, printing when each request reached the fake and was
// answered, relative to the load's start, with the fake's service time. Where the client waited between answers and
// the next requests shows here; it found the store's per-subscription scan and the pages asked after their rows were
// processed. A diagnostic, not a measurement: `npm run bench` gives the figures.
import { signInAs } from '../harness';
import { startFakeProcess } from './fakeProcess';
import { scenarioSeed } from './scenarioSeed';
import { expandEverySubscription, storeFor } from './storeTree';

async function main() {
  const [subs, vms] = (process.argv[2] ?? '20x100').split('x').map(Number);
  const settings = { latencyMs: 50, pageSize: 50 };
  const fake = await startFakeProcess(scenarioSeed({ subscriptions: subs!, vmsPerSubscription: vms! }), settings);
  try {
    const { ops } = signInAs(fake);
    const store = storeFor(ops);
    for (const phase of ['cold', 'warm', 'warm2']) {
      if (phase !== 'cold') store.reloadAll();
      await fake.reset();
      const t0 = performance.timeOrigin + performance.now();
      const tree = await expandEverySubscription(store);
      const t1 = performance.timeOrigin + performance.now();
      const reqs = await fake.requests();
      console.log(`--- ${phase}: total ${(t1 - t0).toFixed(1)} subsAt ${(performance.timeOrigin + tree.subscriptionsAt - t0).toFixed(1)} first ${tree.firstHostsAt && (performance.timeOrigin + tree.firstHostsAt - t0).toFixed(1)}`);
      for (const r of reqs) console.log(`${(r.receivedAt! - t0).toFixed(1).padStart(7)} → ${(r.answeredAt! - t0).toFixed(1).padStart(7)}  svc ${r.serviceMs.toFixed(1).padStart(6)}  ${r.method} ${r.path}`);
    }
  } finally {
    await fake.stop();
  }
}
void main();
