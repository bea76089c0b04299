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

/** What the hosts of these subscriptions need through each API: ARM's round trips (each subscription's VMs and scale
 *  sets at once, its longest paging chain counts), and Resource Graph's pages of 1,000 rows (asked at once). */
function hostChains(size: ScenarioSize, pageSize: number): { arm: number; graphPages: number } {
  const graphPages = Math.max(1, Math.ceil((size.subscriptions * (size.vmsPerSubscription + 1)) / GRAPH_PAGE_ROWS));
  return { arm: Math.max(1, Math.ceil(size.vmsPerSubscription / pageSize)), graphPages };
}

const epochNow = () => performance.timeOrigin + performance.now();

/**
 * The lower bound of a load from its request log. The requests that must follow one another: sign-in when cold and
 * each page of the subscription list, each costing the latency plus the fake's service time of that request; then
 * the hosts of the subscriptions on the last page, which cannot be asked for before it, through the faster API:
 * Resource Graph's pages all asked at once (as by a client that knows how many rows there are), which the one fake
 * serves one after another (the latency once, their service times added); or ARM's paging chain. Host requests cost the median service time of
 * those logged; ARM requests the service times of an ARM-only load of the same tenant. And never less than the fake's whole service time plus one latency. `firstHostsBoundMs`: sign-in, the
 * first subscriptions page and one host request.
 */
function lowerBound(requests: LoggedRequest[], size: ScenarioSize, settings: BenchSettings, arm: ArmServiceTimes) {
  const logins = requests.filter(isLogin);
  const subscriptionPages = requests.filter(isSubscriptions);
  const hostRequests = requests.filter((r) => isGraph(r) || isArmHostList(r));
  const hostServiceMs = median(hostRequests.map((r) => r.serviceMs));
  const costOf = (r: LoggedRequest) => settings.latencyMs + r.serviceMs;
  const lastPageSubscriptions = Math.max(1, size.subscriptions - Math.max(0, subscriptionPages.length - 1) * settings.pageSize);
  const chains = hostChains({ subscriptions: lastPageSubscriptions, vmsPerSubscription: size.vmsPerSubscription }, settings.pageSize);
  // Every page at once, as a client that knows the count (a refresh) asks: one latency, the pages served one after
  // another. Never more than the first query and then the rest, which a client that must learn the count needs.
  const graphTailMs = settings.latencyMs + chains.graphPages * hostServiceMs;
  // ARM: each subscription's VMs and scale sets at once, page after page; the fake serves them one after another.
  const armTailMs = Math.max(chains.arm * (settings.latencyMs + arm.medianMs), settings.latencyMs + (arm.totalMs * lastPageSubscriptions) / size.subscriptions);
  const best = graphTailMs <= armTailMs ? 'resourceGraph' : 'arm';
  const chainMs = [...logins, ...subscriptionPages].reduce((sum, r) => sum + costOf(r), 0) + Math.min(graphTailMs, armTailMs);
  const serviceFloorMs = requests.reduce((sum, r) => sum + r.serviceMs, 0) + settings.latencyMs;
  return {
    boundMs: Math.max(chainMs, serviceFloorMs),
    chain: logins.length + subscriptionPages.length + (best === 'arm' ? chains.arm : 1),
    best,
    firstHostsBoundMs: [...logins, ...subscriptionPages.slice(0, 1)].reduce((sum, r) => sum + costOf(r), 0) + settings.latencyMs + (hostRequests[0]?.serviceMs ?? 0),
  };
}

/** The service times of ARM's host requests in a warm load of every subscription through ARM only. */
interface ArmServiceTimes {
  medianMs: number;
  totalMs: number;
}

async function armServiceTimes(fake: BenchFake): Promise<ArmServiceTimes> {
  const { ops } = signInAs(fake, undefined, { resourceGraphMinSubscriptions: Infinity });
  const store = storeFor(ops);
  await expandEverySubscription(store); // signs in
  store.reloadAll();
  const { requests } = await measureLoad(fake, () => expandEverySubscription(store));
  const services = requests.filter(isArmHostList).map((r) => r.serviceMs);
  return { medianMs: median(services), totalMs: services.reduce((sum, ms) => sum + ms, 0) };
}

/** The requests in a row before the first hosts showed: the first host request answered by then, and the sign-in and
 *  subscription requests that were answered before it was sent (those it had to wait for). */
function roundTripsToFirstHosts(requests: LoggedRequest[], firstHostsAtEpoch: number | undefined): string {
  if (firstHostsAtEpoch === undefined) return 'none shown';
  const shown = requests
    .filter((r) => (isGraph(r) || isArmHostList(r)) && r.answeredAt !== undefined && r.answeredAt <= firstHostsAtEpoch)
    .sort((a, b) => a.answeredAt! - b.answeredAt!)[0];
  if (!shown) return 'unknown';
  const before = (r: LoggedRequest) => r.answeredAt !== undefined && r.answeredAt <= shown.receivedAt!;
  const signIn = requests.filter((r) => isLogin(r) && before(r)).length;
  const subscriptions = requests.filter((r) => isSubscriptions(r) && before(r)).length;
  return `${signIn + subscriptions + 1} (${signIn} sign-in, ${subscriptions} subscriptions, 1 hosts)`;
}

async function measureLoad(fake: BenchFake, load: () => Promise<Awaited<ReturnType<typeof expandEverySubscription>>>) {
  await fake.reset();
  const started = performance.now();
  const startedAtEpoch = epochNow();
  const tree = await load();
  const measuredMs = performance.now() - started;
  const connections = await fake.connections();
  return { started, startedAtEpoch, measuredMs, tree, requests: await fake.requests(), connections };
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
      const runs = [];
      for (const phase of ['cold', 'warm'] as const) {
        if (phase === 'warm') store.reloadAll();
        runs.push({ phase, ...(await measureLoad(fake, () => expandEverySubscription(store))) });
      }
      const arm = await armServiceTimes(fake);
      for (const { phase, ...run } of runs) {
        const bound = lowerBound(run.requests, size, settings, arm);
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
          roundTripsToFirstHosts: roundTripsToFirstHosts(run.requests, Number.isNaN(firstHostsMs) ? undefined : run.startedAtEpoch + firstHostsMs),
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
      'boundMs: the requests that must follow one another (sign-in when cold, each subscriptions page), then the faster',
      "API's chain for the last page's subscriptions (Resource Graph: every page at once, which the one fake serves one",
      "after another), each costing the latency + the fake's service time; at least the fake's whole",
      'service time + one latency. firstHostsMs: until the first subscription shows hosts (a partial list counts); its',
      'bound: sign-in, the first subscriptions page, one host request. roundTripsToFirstHosts: the first answered host',
      'request and the sign-in and subscription requests it waited for.',
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
