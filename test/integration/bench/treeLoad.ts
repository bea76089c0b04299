// Tree load, every subscription expanded, against the fake with latency: cold (a new sign-in: token, subscriptions,
// hosts) and warm (signed in, the tree refreshed), compared with the chain of round trips the best API allows, timed
// with the fake's own service time. Also ARM against Resource Graph by number of subscriptions: where the threshold
// RESOURCE_GRAPH_MIN_SUBSCRIPTIONS comes from.
import { RESOURCE_GRAPH_MIN_SUBSCRIPTIONS } from '../../../src/identity/operations';
import type { LoggedRequest } from '../../fake-azure/server';
import { signInAs } from '../harness';
import { startFakeProcess, type BenchFake } from './fakeProcess';
import { scenarioSeed, type ScenarioSize } from './scenarioSeed';
import { expandEverySubscription, storeFor } from './storeTree';
import { round, type BenchRow, type BenchSection } from './table';

export interface BenchSettings {
  latencyMs: number;
  pageSize: number;
}

const GRAPH_PAGE_ROWS = 1000;
const isLogin = (r: LoggedRequest) => r.path.startsWith('/login');
const isSubscriptions = (r: LoggedRequest) => r.method === 'GET' && /^\/subscriptions$/i.test(r.path);
const isGraph = (r: LoggedRequest) => r.method === 'POST' && /^\/providers\/Microsoft\.ResourceGraph\/resources$/i.test(r.path);
const isArmHostList = (r: LoggedRequest) => r.method === 'GET' && /\/providers\/Microsoft\.Compute\/(virtualMachines|virtualMachineScaleSets)$/i.test(r.path);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.floor(sorted.length / 2)]!;
}

/** Round trips the hosts need through each API: ARM lists each subscription's VMs and scale sets at once (its longest
 *  paging chain counts); Resource Graph needs one query, and a second step for the other pages (asked at once). */
export function hostChains(size: ScenarioSize, pageSize: number): { arm: number; resourceGraph: number } {
  const rows = size.subscriptions * (size.vmsPerSubscription + 1);
  return { arm: Math.max(1, Math.ceil(size.vmsPerSubscription / pageSize)), resourceGraph: rows > GRAPH_PAGE_ROWS ? 2 : 1 };
}

/**
 * The lower bound of a load from its request log: the requests that must follow one another (sign-in, each page of
 * subscriptions, then the best API's chain for the hosts), each costing the latency plus the fake's service time; and
 * never less than the fake's whole service time plus one latency, since one fake serves every request (requests sent
 * at once are served one after another). `firstHostsBoundMs`: the same chain up to the first hosts' request.
 */
function lowerBound(requests: LoggedRequest[], size: ScenarioSize, settings: BenchSettings) {
  const sequential = requests.filter((r) => isLogin(r) || isSubscriptions(r));
  const hostRequests = requests.filter((r) => isGraph(r) || isArmHostList(r));
  const chains = hostChains(size, settings.pageSize);
  const best = chains.resourceGraph < chains.arm ? 'resourceGraph' : 'arm';
  const steps = Math.min(chains.arm, chains.resourceGraph);
  const hostServiceMs = median(hostRequests.map((r) => r.serviceMs));
  const beforeHostsMs = sequential.reduce((sum, r) => sum + settings.latencyMs + r.serviceMs, 0);
  const chainMs = beforeHostsMs + steps * (settings.latencyMs + hostServiceMs);
  const serviceFloorMs = requests.reduce((sum, r) => sum + r.serviceMs, 0) + settings.latencyMs;
  return {
    boundMs: Math.max(chainMs, serviceFloorMs),
    chain: sequential.length + steps,
    best,
    firstHostsBoundMs: beforeHostsMs + settings.latencyMs + (hostRequests[0]?.serviceMs ?? 0),
    roundTripsToFirstHosts: sequential.length + 1,
  };
}

async function measureLoad(fake: BenchFake, load: () => Promise<Awaited<ReturnType<typeof expandEverySubscription>>>) {
  await fake.reset();
  const started = performance.now();
  const tree = await load();
  const measuredMs = performance.now() - started;
  const connections = await fake.connections();
  return { started, measuredMs, tree, requests: await fake.requests(), connections };
}

export async function treeLoadBench(settings: BenchSettings): Promise<BenchSection> {
  const scenarios: ScenarioSize[] = [
    { subscriptions: 20, vmsPerSubscription: 100 },
    { subscriptions: 1, vmsPerSubscription: 2000 },
    { subscriptions: 200, vmsPerSubscription: 10 },
  ];
  const rows: BenchRow[] = [];
  for (const size of scenarios) {
    const fake = await startFakeProcess(scenarioSeed(size), settings);
    try {
      const { ops } = signInAs(fake);
      const store = storeFor(ops);
      for (const phase of ['cold', 'warm'] as const) {
        if (phase === 'warm') store.reloadAll();
        const run = await measureLoad(fake, () => expandEverySubscription(store));
        const bound = lowerBound(run.requests, size, settings);
        const hostRequests = run.requests.filter((r) => isGraph(r) || isArmHostList(r));
        const firstHostsMs = run.tree.firstHostsAt === undefined ? NaN : run.tree.firstHostsAt - run.started;
        rows.push({
          scenario: `${size.subscriptions} × ${size.vmsPerSubscription}, ${phase}`,
          api: hostRequests.some(isGraph) ? 'Resource Graph' : 'ARM',
          measuredMs: round(run.measuredMs),
          boundMs: round(bound.boundMs),
          ratio: round(run.measuredMs / bound.boundMs, 2),
          chain: `${bound.chain} (best: ${bound.best})`,
          firstHostsMs: round(firstHostsMs),
          firstHostsBoundMs: round(bound.firstHostsBoundMs),
          roundTripsToFirstHosts: `${bound.roundTripsToFirstHosts} (${run.requests.filter(isLogin).length} sign-in, ${run.requests.filter(isSubscriptions).length} subscriptions)`,
          requests: run.requests.length,
          tlsConnections: run.connections,
        });
      }
    } finally {
      await fake.stop();
    }
  }
  return {
    title: 'Tree load (every subscription expanded)',
    notes: [
      `Fake Azure in its own process, latency ${settings.latencyMs} ms per request, ARM page size ${settings.pageSize}; Resource Graph from ${RESOURCE_GRAPH_MIN_SUBSCRIPTIONS} subscriptions.`,
      'boundMs: the requests that must follow one another (sign-in when cold, each subscriptions page, then the best',
      "API's chain for the hosts) × latency + the fake's service time of each, and at least the fake's whole service time",
      '+ one latency (one fake serves all). firstHostsMs: until the first subscription shows its hosts; its bound is the',
      "chain up to the first hosts' request. roundTripsToFirstHosts: the requests in a row until then.",
    ],
    rows,
  };
}

/** Warm loads through ARM and through Resource Graph by number of subscriptions (10 VMs each). */
export async function resourceGraphThresholdBench(settings: BenchSettings): Promise<BenchSection> {
  const rows: BenchRow[] = [];
  for (const subscriptions of [1, 2, 5, 10, 20, 50]) {
    const size = { subscriptions, vmsPerSubscription: 10 };
    const fake = await startFakeProcess(scenarioSeed(size), settings);
    try {
      const row: BenchRow = { scenario: `${subscriptions} subscription(s)` };
      for (const [api, minimum] of [['arm', Infinity], ['resourceGraph', 1]] as const) {
        const { ops } = signInAs(fake, undefined, { resourceGraphMinSubscriptions: minimum });
        const store = storeFor(ops);
        await expandEverySubscription(store); // signs in and warms the connections
        store.reloadAll();
        // Median of three warm loads.
        const runs: Awaited<ReturnType<typeof measureLoad>>[] = [];
        for (let i = 0; i < 3; i++) {
          store.reloadAll();
          runs.push(await measureLoad(fake, () => expandEverySubscription(store)));
        }
        const chosen = runs.sort((a, b) => a.measuredMs - b.measuredMs)[1]!;
        row[`${api}Ms`] = round(chosen.measuredMs);
        row[`${api}Requests`] = chosen.requests.length;
        row[`${api}Connections`] = chosen.connections;
      }
      row.faster = (row.resourceGraphMs as number) < (row.armMs as number) ? 'Resource Graph' : 'ARM';
      rows.push(row);
    } finally {
      await fake.stop();
    }
  }
  return {
    title: 'ARM or Resource Graph, by number of subscriptions (10 VMs each, warm, median of 3)',
    notes: [
      `Fake latency ${settings.latencyMs} ms. The extension uses Resource Graph from ${RESOURCE_GRAPH_MIN_SUBSCRIPTIONS} subscriptions of a tenant`,
      '(RESOURCE_GRAPH_MIN_SUBSCRIPTIONS); Connections counts new TLS connections during the load.',
    ],
    rows,
  };
}
