// Issue 12's runtime targets, counted (never timed) against the fake: TLS connections for a large tree load, one
// Resource Graph query for many subscriptions with ARM where Graph is refused or absent, the store keeping a write's
// answer over a lagging Graph row, and the requests of one identity write.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { IdentityHost } from '../../src/identity/model';
import { ARM_LISTING_CONCURRENCY, RESOURCE_GRAPH_REFUSAL_MEMORY_MS } from '../../src/identity/operations';
import type { RunningFakeAzure } from '../fake-azure/server';
import { expandEverySubscription, storeFor } from './bench/storeTree';
import { scenarioSeed } from './bench/scenarioSeed';
import { demo, ids, signInAs, startFake, vm } from './harness';

const graphPath = /^\/providers\/Microsoft\.ResourceGraph\/resources$/i;
const isGraph = (r: { method: string; path: string }) => r.method === 'POST' && graphPath.test(r.path);
const isArmHostList = (r: { method: string; path: string }) => r.method === 'GET' && /\/providers\/Microsoft\.Compute\/(virtualMachines|virtualMachineScaleSets)$/i.test(r.path);

/** What the tree shows of a host, without the ETag (Resource Graph rows have none). */
function shown(host: IdentityHost) {
  const { etag: _etag, ...rest } = host;
  return { ...rest, identity: { ...rest.identity, userAssignedIdentities: lowerKeys(rest.identity.userAssignedIdentities) } };
}
function lowerKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k.toLowerCase(), v]));
}
function byId(hosts: IdentityHost[]): IdentityHost[] {
  return [...hosts].sort((a, b) => a.id.toLowerCase().localeCompare(b.id.toLowerCase()));
}

describe('200 subscriptions × 10 VMs', () => {
  let fake: RunningFakeAzure;
  before(async () => {
    fake = await startFake({ seed: scenarioSeed({ subscriptions: 200, vmsPerSubscription: 10 }) });
  });
  after(async () => fake.stop());

  it('loads over a few TLS connections, each page of subscriptions with one Resource Graph query as it arrives, and a reload opens none', async () => {
    const { ops } = signInAs(fake);
    const store = storeFor(ops);
    fake.reset();
    const tree = await expandEverySubscription(store);
    assert.equal(tree.hostsBySubscription.size, 200);
    assert.deepEqual(new Set([...tree.hostsBySubscription.values()].map((hosts) => hosts.length)), new Set([11]), '10 VMs and a scale set each');
    const requests = fake.requests();
    const subscriptionPages = requests.filter((r) => r.method === 'GET' && /^\/subscriptions$/.test(r.path));
    assert.equal(subscriptionPages.length, 4, 'subscriptions in pages of 50');
    assert.equal(requests.filter(isGraph).length, 4, 'one Resource Graph query per page of subscriptions (550 rows each)');
    assert.equal(requests.filter(isArmHostList).length, 0, 'no ARM listing per subscription');
    const cold = fake.connections();
    // One per request in flight at once (a subscriptions page and the previous page's query, the token): a handful.
    assert.ok(cold <= 5, `${cold} TLS connections for the cold load (was one per subscription)`);

    store.reloadAll();
    await expandEverySubscription(store);
    assert.equal(fake.connections(), cold, 'the reload reuses the kept-alive connections');
  });

  it("every subscription's ARM clients, the token requests and the REST pipelines share one pool", async () => {
    const { ops } = signInAs(fake, demo.admin, { resourceGraphMinSubscriptions: Infinity });
    fake.reset();
    const subscriptions = (await ops.listSubscriptions()).slice(0, 30);
    for (const { subscriptionId } of subscriptions) {
      await ops.listVirtualMachines(subscriptionId); // @azure/arm-compute (TypeSpec client)
      await ops.listUserAssignedIdentities(subscriptionId); // @azure/arm-msi (core-client)
      await ops.listVirtualNetworks(subscriptionId); // the REST pipeline
      await ops.listResourceGroups(subscriptionId); // the REST pipeline, another client
    }
    assert.equal(fake.requests().filter(isArmHostList).length, 30);
    assert.equal(fake.requests().filter((r) => /virtualNetworks$/.test(r.path)).length, 30);
    assert.equal(fake.requests().filter((r) => /\/resourcegroups$/.test(r.path)).length, 30);
    // The pool is the process's: a connection kept alive by an earlier test may serve all of these.
    assert.ok(fake.connections() <= 1, `${fake.connections()} new TLS connections for 120 requests to 30 subscriptions one after another`);
  });
});

describe('a subscription list of two pages, with latency', () => {
  let fake: RunningFakeAzure;
  before(async () => {
    fake = await startFake({ seed: scenarioSeed({ subscriptions: 55, vmsPerSubscription: 2 }), pageSize: 50, latencyMs: 100 });
  });
  after(async () => fake.stop());

  it("lists the first page's hosts while the second page of subscriptions is read", async () => {
    const { ops } = signInAs(fake);
    const store = storeFor(ops);
    const morePages: boolean[] = [];
    await store.loadSubscriptions((_page, more) => morePages.push(more)); // signs in
    assert.deepEqual(morePages, [true, false], 'each page says whether another follows (the tree shows the first at once)');
    fake.reset();
    const tree = await expandEverySubscription(store);
    const requests = fake.requests();
    const subscriptionPages = requests.filter((r) => r.method === 'GET' && /^\/subscriptions$/.test(r.path));
    const graph = requests.filter(isGraph);
    assert.equal(subscriptionPages.length, 2);
    assert.equal(graph.length, 1, 'the first page (50 subscriptions) in one Resource Graph query');
    assert.ok(graph[0]!.receivedAt! < subscriptionPages[1]!.answeredAt!, "the first page's hosts were asked for before the second page was answered");
    assert.equal(requests.filter(isArmHostList).length, 10, 'the last page (5 subscriptions, below the threshold) through ARM: VMs and scale sets each');
    assert.equal(tree.hostsBySubscription.size, 55);
  });
});

describe('Resource Graph and its fallback (demo seed, Graph from one subscription on)', () => {
  let fake: RunningFakeAzure;
  before(async () => {
    fake = await startFake();
  });
  after(async () => fake.stop());

  async function armHosts(): Promise<IdentityHost[]> {
    const { ops } = signInAs(fake);
    const hosts: IdentityHost[] = [];
    for (const subscriptionId of [demo.production, demo.development]) {
      hosts.push(...(await ops.listVirtualMachines(subscriptionId)), ...(await ops.listScaleSets(subscriptionId)));
    }
    return byId(hosts);
  }

  it('the Graph projection shows what ARM shows: identity, location, group, scale-set details', async () => {
    fake.reset();
    const expected = await armHosts();
    const { ops } = signInAs(fake, demo.admin, { resourceGraphMinSubscriptions: 1 });
    fake.reset();
    const tree = await expandEverySubscription(storeFor(ops));
    assert.equal(fake.requests().filter(isGraph).length, 1);
    assert.equal(fake.requests().filter(isArmHostList).length, 0);
    const listed = byId([...tree.hostsBySubscription.values()].flat());
    assert.deepEqual(listed.map(shown), expected.map(shown));
    assert.ok(listed.every((host) => host.etag === undefined), 'Graph rows carry no ETag');
  });

  for (const mode of ['forbidden', 'absent'] as const) {
    it(`Resource Graph ${mode}: lists through ARM, and does not ask Graph again`, async () => {
      fake.reset();
      const expected = await armHosts();
      const { ops } = signInAs(fake, demo.admin, { resourceGraphMinSubscriptions: 1 });
      fake.reset();
      fake.setResourceGraphMode(mode);
      const store = storeFor(ops);
      const tree = await expandEverySubscription(store);
      assert.deepEqual(fake.requests().filter(isGraph).map((r) => r.status), [mode === 'forbidden' ? 403 : 404]);
      assert.equal(fake.requests().filter(isArmHostList).length, 4, 'VMs and scale sets of both subscriptions');
      assert.deepEqual(byId([...tree.hostsBySubscription.values()].flat()), expected);

      store.reloadAll();
      await expandEverySubscription(store);
      assert.equal(fake.requests().filter(isGraph).length, 1, 'the refusal is remembered');
      assert.equal(fake.requests().filter(isArmHostList).length, 8);
    });
  }
});

describe('40 subscriptions where Resource Graph is forbidden', () => {
  let fake: RunningFakeAzure;
  before(async () => {
    fake = await startFake({ seed: scenarioSeed({ subscriptions: 40, vmsPerSubscription: 2 }) });
  });
  after(async () => fake.stop());

  it(`lists every subscription through ARM, at most ${ARM_LISTING_CONCURRENCY} at once`, async () => {
    const { ops } = signInAs(fake);
    fake.reset();
    fake.setResourceGraphMode('forbidden');
    // Slow VM lists, so that every listing lasts far longer than the client takes to start one: uncapped, all 40 overlap.
    fake.addFaults([{ method: 'GET', path: '/virtualMachines$', kind: 'delay', delayMs: 300, times: 0 }]);
    const tree = await expandEverySubscription(storeFor(ops));
    assert.equal(tree.hostsBySubscription.size, 40);
    assert.deepEqual(new Set([...tree.hostsBySubscription.values()].map((hosts) => hosts.length)), new Set([3]), '2 VMs and a scale set each');
    assert.deepEqual(fake.requests().filter(isGraph).map((r) => r.status), [403]);

    // A subscription is in flight from its first listing request's arrival to its last one's answer, as the fake saw.
    const spans = new Map<string, { from: number; to: number }>();
    for (const request of fake.requests().filter(isArmHostList)) {
      const subscriptionId = request.path.split('/')[2]!.toLowerCase();
      const span = spans.get(subscriptionId);
      spans.set(subscriptionId, { from: Math.min(span?.from ?? Infinity, request.receivedAt!), to: Math.max(span?.to ?? -Infinity, request.answeredAt!) });
    }
    assert.equal(spans.size, 40, 'each subscription listed through ARM');
    assert.equal(fake.requests().filter(isArmHostList).length, 80, 'VMs and scale sets of each, once');
    const most = mostAtOnce([...spans.values()]);
    assert.ok(most <= ARM_LISTING_CONCURRENCY, `${most} subscriptions listed at once`);
    assert.ok(most > ARM_LISTING_CONCURRENCY / 2, `${most} at once: the listings still overlap, up to the cap`);
  });

  it('asks Resource Graph again once the refusal has expired, and not before', async () => {
    const { clock, advance } = manualClock();
    const { ops } = signInAs(fake, demo.admin, { clock });
    const store = storeFor(ops);
    fake.reset();
    fake.setResourceGraphMode('forbidden');
    await expandEverySubscription(store);
    assert.deepEqual(fake.requests().filter(isGraph).map((r) => r.status), [403]);

    fake.setResourceGraphMode('available'); // e.g. the role that reads Resource Graph was granted
    advance(RESOURCE_GRAPH_REFUSAL_MEMORY_MS - 1_000);
    store.reloadAll();
    await expandEverySubscription(store);
    assert.equal(fake.requests().filter(isGraph).length, 1, 'still remembered: listed through ARM');
    assert.equal(fake.requests().filter(isArmHostList).length, 160);

    advance(1_000);
    store.reloadAll();
    const tree = await expandEverySubscription(store);
    assert.deepEqual(fake.requests().filter(isGraph).map((r) => r.status), [403, 200], 'expired: asked again, and it answers');
    assert.equal(fake.requests().filter(isArmHostList).length, 160, 'no ARM listing this time');
    assert.equal(tree.hostsBySubscription.size, 40);
  });
});

/** The most spans that overlap at any moment (a span's end before another's start does not overlap it). */
function mostAtOnce(spans: { from: number; to: number }[]): number {
  const events = spans.flatMap((span) => [
    { at: span.from, change: 1 },
    { at: span.to, change: -1 },
  ]);
  events.sort((a, b) => a.at - b.at || a.change - b.change);
  let current = 0;
  let most = 0;
  for (const event of events) {
    current += event.change;
    most = Math.max(most, current);
  }
  return most;
}

function manualClock(start = Date.now()) {
  let now = start;
  return { clock: { now: () => now }, advance: (ms: number) => void (now += ms) };
}

describe('one subscription with more VMs than an ARM page', () => {
  let fake: RunningFakeAzure;
  before(async () => {
    fake = await startFake({ seed: scenarioSeed({ subscriptions: 1, vmsPerSubscription: 120 }), pageSize: 50 });
  });
  after(async () => fake.stop());

  it("stops ARM's paging after the first page and reads the subscription with Resource Graph", async () => {
    const { ops } = signInAs(fake);
    fake.reset();
    const tree = await expandEverySubscription(storeFor(ops));
    assert.equal([...tree.hostsBySubscription.values()][0]!.length, 121);
    assert.equal([...tree.firstShownBySubscription.values()][0], 50, 'the first ARM page shows while the rest loads');
    const vmPages = fake.requests().filter((r) => /virtualMachines$/.test(r.path));
    assert.equal(vmPages.length, 1, 'one ARM page, not three');
    assert.equal(fake.requests().filter(isGraph).length, 1);
  });

  it('pages through ARM to the end where Resource Graph is absent', async () => {
    const { ops } = signInAs(fake);
    fake.reset();
    fake.setResourceGraphMode('absent');
    const tree = await expandEverySubscription(storeFor(ops));
    assert.equal([...tree.hostsBySubscription.values()][0]!.length, 121);
    assert.equal([...tree.firstShownBySubscription.values()][0], 50, 'the first page shows at once');
    assert.equal(fake.requests().filter((r) => /virtualMachines$/.test(r.path)).length, 1 + 3, 'the first page, then all three again');
    assert.deepEqual(fake.requests().filter(isGraph).map((r) => r.status), [404]);
  });
});

describe('one subscription known to hold more than 1,000 hosts', () => {
  let fake: RunningFakeAzure;
  before(async () => {
    fake = await startFake({ seed: scenarioSeed({ subscriptions: 1, vmsPerSubscription: 1100 }), pageSize: 50, latencyMs: 50 });
  });
  after(async () => fake.stop());

  it('is listed by an ARM page, then Resource Graph; a refresh goes straight to Resource Graph, both pages at once', async () => {
    const { ops } = signInAs(fake);
    const store = storeFor(ops);
    fake.reset();
    const first = await expandEverySubscription(store);
    assert.equal([...first.hostsBySubscription.values()][0]!.length, 1101);
    assert.equal(fake.requests().filter((r) => /virtualMachines$/.test(r.path)).length, 1, 'one ARM page first');
    store.reloadAll();
    fake.reset();
    const again = await expandEverySubscription(store);
    assert.equal([...again.hostsBySubscription.values()][0]!.length, 1101);
    const requests = fake.requests();
    assert.equal(requests.filter(isArmHostList).length, 0, 'no ARM page: the last listing said the list is long');
    const graph = requests.filter(isGraph);
    assert.equal(graph.length, 2);
    assert.ok(graph[1]!.receivedAt! < graph[0]!.answeredAt!, 'both pages asked for at once');
  });
});

describe('a Resource Graph page that ends inside a subscription', () => {
  let fake: RunningFakeAzure;
  before(async () => {
    fake = await startFake({ seed: scenarioSeed({ subscriptions: 20, vmsPerSubscription: 60 }), latencyMs: 50 });
  });
  after(async () => fake.stop());

  it("shows that subscription's rows of the first page while its other rows load", async () => {
    const { ops } = signInAs(fake);
    fake.reset();
    const tree = await expandEverySubscription(storeFor(ops));
    assert.equal(fake.requests().filter(isGraph).length, 2, '1,220 rows: two pages');
    assert.deepEqual(new Set([...tree.hostsBySubscription.values()].map((hosts) => hosts.length)), new Set([61]));
    // Rows are sorted by subscription: 16 subscriptions fill 976 rows, the 17th has 24 of its 61 on the first page.
    const firstShown = [...tree.firstShownBySubscription.values()].sort((a, b) => a - b);
    assert.deepEqual(firstShown.filter((n) => n < 61), [24], 'one subscription showed a part first');
  });

  it('a refresh asks for both pages at once: the last listing said how many rows there are', async () => {
    const { ops } = signInAs(fake);
    const store = storeFor(ops);
    await expandEverySubscription(store);
    store.reloadAll();
    fake.reset();
    const tree = await expandEverySubscription(store);
    const graph = fake.requests().filter(isGraph);
    assert.equal(graph.length, 2);
    assert.ok(graph[1]!.receivedAt! < graph[0]!.answeredAt!, 'the second page was asked for before the first was answered');
    assert.deepEqual(new Set([...tree.hostsBySubscription.values()].map((hosts) => hosts.length)), new Set([61]));
  });
});

describe('Resource Graph lags ARM', () => {
  let fake: RunningFakeAzure;
  before(async () => {
    fake = await startFake({ resourceGraphLagMs: 60_000 });
  });
  after(async () => fake.stop());

  it("after a write, a reload through Graph keeps the write's answer, not Graph's older row", async () => {
    const { ops, account } = signInAs(fake, demo.admin, { resourceGraphMinSubscriptions: 1 });
    const store = storeFor(ops);
    await expandEverySubscription(store);
    const before = store.host(vm('vm-web-01').id)!;
    assert.equal(before.identity.type, 'None');

    const result = await ops.changeIdentity(before, { kind: 'enableSystemAssigned' });
    store.applyHost(result.host);
    store.reloadAll();
    const graphRequestsBefore = fake.requests().filter(isGraph).length;
    const tree = await expandEverySubscription(store);
    assert.equal(fake.requests().filter(isGraph).length, graphRequestsBefore + 1, 'the reload asked Resource Graph');

    // Graph still has the row from before the write...
    const clients = await account.clients.forSubscription(demo.production);
    const row = (await clients.resourceGraph.listHosts([demo.production])).find((h) => h.name === 'vm-web-01')!;
    assert.equal(row.identity.type, 'None');
    // ...and the store keeps what the write returned, in the subscription's list too.
    assert.equal(store.host(vm('vm-web-01').id)!.identity.type, 'SystemAssigned');
    assert.equal(store.host(vm('vm-web-01').id)!.etag, result.host.etag);
    const listed = tree.hostsBySubscription.get(demo.production)!.find((h) => h.name === 'vm-web-01')!;
    assert.equal(listed.identity.type, 'SystemAssigned');
  });
});

describe('requests per identity write', () => {
  let fake: RunningFakeAzure;
  before(async () => {
    fake = await startFake({ lroPolls: 1, retryAfterSeconds: 1 });
  });
  after(async () => fake.stop());

  /** The requests since the log had `from` entries, without tokens and the permission check (once per scope, issue 9). */
  const described = (from = 0) =>
    fake
      .requests()
      .slice(from)
      .filter((r) => !r.path.startsWith('/login') && !/\/permissions$/i.test(r.path))
      .map((r) => `${r.method} ${/\/operations\//.test(r.path) ? 'operation' : r.path.split('/').pop()} ${r.status}`);

  it("with the store's fresh copy: PATCH with its ETag, one poll after Retry-After, the final GET (3 requests)", async () => {
    fake.reset();
    const { ops } = signInAs(fake);
    const store = storeFor(ops);
    await expandEverySubscription(store);
    for (const change of [{ kind: 'enableSystemAssigned' }, { kind: 'disableSystemAssigned' }] as const) {
      const before = fake.requests().length;
      const known = store.host(vm('vm-web-01').id)!;
      assert.ok(known.etag, 'listed through ARM, with its ETag');
      const result = await ops.changeIdentity(known, change);
      store.applyHost(result.host);
      assert.deepEqual(described(before), ['PATCH vm-web-01 200', 'GET operation 200', 'GET vm-web-01 200'], change.kind);
    }
  });

  it('a copy without an ETag (from Resource Graph) is read first: 4 requests', async () => {
    fake.reset();
    const { ops } = signInAs(fake, demo.admin, { resourceGraphMinSubscriptions: 1 });
    const store = storeFor(ops);
    await expandEverySubscription(store);
    const known = store.host(vm('vm-web-01').id)!;
    assert.equal(known.etag, undefined);
    fake.reset();
    await ops.changeIdentity(known, { kind: 'enableSystemAssigned' });
    assert.deepEqual(described(), ['GET vm-web-01 200', 'PATCH vm-web-01 200', 'GET operation 200', 'GET vm-web-01 200']);
  });

  it('a stale copy: the PATCH gets 412, the VM is read again and the change made on what is there now', async () => {
    fake.reset();
    const { ops } = signInAs(fake, demo.admin, { retryDelayMs: () => 10 });
    const store = storeFor(ops);
    await expandEverySubscription(store);
    const stale = store.host(vm('vm-web-01').id)!;
    const other = signInAs(fake);
    await other.ops.changeIdentity(vm('vm-web-01'), { kind: 'assignUserAssigned', ids: [ids.backend] });
    const before = fake.requests().length;
    const result = await ops.changeIdentity(stale, { kind: 'enableSystemAssigned' });
    assert.deepEqual(described(before), ['PATCH vm-web-01 412', 'GET vm-web-01 200', 'PATCH vm-web-01 200', 'GET operation 200', 'GET vm-web-01 200']);
    assert.equal(result.host.identity.type, 'SystemAssigned, UserAssigned', "the other window's identity stays");
  });
});
