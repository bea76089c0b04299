// Requests and time of one identity write against the fake with latency: with the store's fresh copy (its ETag, no
// read first), and with a copy that has no ETag (listed through Resource Graph), which is read first.
import type { LoggedRequest } from '../../fake-azure/server';
import { demo as demoNames, signInAs, vm } from '../harness';
import { startFakeProcess } from './fakeProcess';
import { expandEverySubscription, storeFor } from './storeTree';
import { round, type BenchRow, type BenchSection } from './table';
import type { BenchSettings } from './treeLoad';

const RETRY_AFTER_SECONDS = 1;
const isPermissions = (r: LoggedRequest) => /\/permissions$/i.test(r.path);
const describeRequest = (r: LoggedRequest) => `${r.method} ${/\/operations\//.test(r.path) ? 'operation' : r.path.split('/').pop()}`;

export async function writesBench(settings: BenchSettings): Promise<BenchSection> {
  const fake = await startFakeProcess(demoNames.seed, { ...settings, lroPolls: 1, retryAfterSeconds: RETRY_AFTER_SECONDS });
  const rows: BenchRow[] = [];
  try {
    for (const [label, minimum] of [["the store's copy, listed through ARM (with its ETag)", Infinity], ['a copy listed through Resource Graph (no ETag)', 1]] as const) {
      await fake.reset();
      const { ops } = signInAs(fake, demoNames.admin, { resourceGraphMinSubscriptions: minimum });
      const store = storeFor(ops);
      await expandEverySubscription(store);
      // The permission check reads once per scope (issue 9's cache): the second write on the host shows a write alone.
      for (const change of [{ kind: 'enableSystemAssigned' }, { kind: 'disableSystemAssigned' }] as const) {
        const from = (await fake.requests()).length;
        const started = performance.now();
        const result = await ops.changeIdentity(store.host(vm('vm-web-01').id)!, change);
        const measuredMs = performance.now() - started;
        store.applyHost(result.host);
        const made = (await fake.requests()).slice(from).filter((r) => !r.path.startsWith('/login'));
        const writeRequests = made.filter((r) => !isPermissions(r));
        const boundMs = writeRequests.reduce((sum, r) => sum + settings.latencyMs + r.serviceMs, 0) + RETRY_AFTER_SECONDS * 1000;
        rows.push({
          scenario: `${change.kind}, ${label}`,
          requests: writeRequests.length,
          permissionReads: made.filter(isPermissions).length,
          sequence: writeRequests.map(describeRequest).join(', '),
          measuredMs: round(measuredMs),
          boundMs: round(boundMs),
          ratio: round(measuredMs / boundMs, 2),
        });
      }
    }
  } finally {
    await fake.stop();
  }
  return {
    title: 'Requests per identity write',
    notes: [
      `Fake latency ${settings.latencyMs} ms, one InProgress answer, Retry-After ${RETRY_AFTER_SECONDS} s. requests: the write's own`,
      '(permissionReads: the check before a write, once per scope and cached). boundMs: those requests × latency + their',
      "service time + the Retry-After wait Azure asks for.",
    ],
    rows,
  };
}
