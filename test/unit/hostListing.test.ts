// listHosts where Resource Graph refuses (issue 12): the ARM fallback lists at most ARM_LISTING_CONCURRENCY
// subscriptions at once, in the order given, stops starting on cancel, and the refusal is remembered only for
// RESOURCE_GRAPH_REFUSAL_MEMORY_MS. Stand-in clients record what is asked; time is a manual clock.
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { IdentityError } from '../../src/identity/identityError';
import type { HostListing, IdentityHost } from '../../src/identity/model';
import { ARM_LISTING_CONCURRENCY, IdentityOperations, RESOURCE_GRAPH_MIN_SUBSCRIPTIONS, RESOURCE_GRAPH_REFUSAL_MEMORY_MS } from '../../src/identity/operations';
import type { AzureClientProvider, ResourceGraphListOptions, SubscriptionClients, VmListOptions } from '../../src/identity/ports';
import { ServiceError } from '../../src/identity/serviceError';

const TENANT = 'a0a0a0a0-0000-4000-8000-000000000000';
const subscriptionId = (n: number) => `5cb00000-0000-4000-8000-${String(n).padStart(12, '0')}`;

async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) {
    await nextTurn();
  }
}

function abortError(): Error {
  return Object.assign(new Error('aborted'), { name: 'AbortError' });
}

/**
 * A tenant of `count` subscriptions. Resource Graph answers as `graph` says (refuses with 403 by default); each
 * subscription's VM list waits until the test `finish`es it (or `autoFinish` turns), and rejects when its signal
 * aborts, as the SDK does. Clients for later subscriptions are made sooner, so their order differs from the given one.
 */
function tenantOf(count: number, options: { autoFinishTurns?: (index: number) => number; onVmListStart?: () => void } = {}) {
  const graph = { refuses: true, asked: 0 };
  const vmListsStarted: string[] = [];
  const scaleSetListsStarted: string[] = [];
  const unfinished = new Map<string, () => void>();
  const clientsOf = (index: number): SubscriptionClients => {
    const id = subscriptionId(index);
    return {
      subscription: { subscriptionId: id, displayName: `Sub ${index}`, tenantId: TENANT },
      virtualMachines: {
        list: (listOptions?: VmListOptions) =>
          new Promise((resolve, reject) => {
            vmListsStarted.push(id);
            options.onVmListStart?.();
            listOptions?.onPage?.([], false);
            const finish = () => {
              unfinished.delete(id);
              resolve([]);
            };
            unfinished.set(id, finish);
            listOptions?.signal?.addEventListener('abort', () => reject(abortError()), { once: true });
            const turns = options.autoFinishTurns?.(index);
            if (turns !== undefined) {
              void settle(turns).then(finish);
            }
          }),
      },
      scaleSets: {
        list: async () => {
          scaleSetListsStarted.push(id);
          return [];
        },
      },
      resourceGraph: {
        listHosts: async (_ids: string[], graphOptions?: ResourceGraphListOptions) => {
          graph.asked++;
          if (graph.refuses) {
            throw new ServiceError('The client does not have authorization to perform action.', { service: 'arm', status: 403, code: 'AuthorizationFailed' });
          }
          graphOptions?.onPage?.([], true);
          return [] as IdentityHost[];
        },
      },
    } as unknown as SubscriptionClients;
  };
  const provider: AzureClientProvider = {
    listSubscriptions: async () => [],
    forSubscription: async (id) => {
      const index = Number(id.slice(-12));
      await settle(count - index); // the last subscription's clients first
      return clientsOf(index);
    },
  };
  const ids = Array.from({ length: count }, (_, n) => subscriptionId(n));
  return { provider, ids, graph, vmListsStarted, scaleSetListsStarted, unfinished };
}

function manualClock(start = 1_000_000) {
  let now = start;
  return { clock: { now: () => now }, advance: (ms: number) => void (now += ms) };
}

describe('listHosts: the ARM fallback', () => {
  it('lists at most ARM_LISTING_CONCURRENCY subscriptions at once, in the order given, and every one of them', async () => {
    // Each listing takes a different number of turns, so they finish out of order and turns pass to later ones.
    const listings: HostListing[] = [];
    let most = 0;
    const tenant = tenantOf(40, {
      autoFinishTurns: (index) => 1 + ((index * 7) % 5),
      // Started and not yet told: the subscriptions in flight.
      onVmListStart: () => (most = Math.max(most, tenant.vmListsStarted.length - listings.length)),
    });
    const ops = new IdentityOperations(tenant.provider);
    await ops.listHosts(tenant.ids, (listing) => listings.push(listing));

    assert.equal(tenant.graph.asked, 1, 'Resource Graph was asked once (40 subscriptions are past the threshold) and refused');
    assert.equal(most, ARM_LISTING_CONCURRENCY, 'the cap, and all of it');
    assert.deepEqual(tenant.vmListsStarted, tenant.ids, 'started in the order given, not the order the clients were made in');
    assert.deepEqual(new Set(tenant.scaleSetListsStarted), new Set(tenant.ids));
    assert.deepEqual(listings.map((listing) => listing.subscriptionId).sort(), [...tenant.ids].sort(), 'each subscription told once');
    assert.ok(listings.every((listing) => listing.result.status === 'loaded' && listing.from === 'arm'));
  });

  it('a tenant below the Resource Graph threshold lists all its subscriptions at once', async () => {
    const tenant = tenantOf(RESOURCE_GRAPH_MIN_SUBSCRIPTIONS - 1);
    const ops = new IdentityOperations(tenant.provider);
    const done = ops.listHosts(tenant.ids, () => undefined);
    await settle(RESOURCE_GRAPH_MIN_SUBSCRIPTIONS + 5);
    assert.equal(tenant.graph.asked, 0);
    assert.equal(tenant.vmListsStarted.length, RESOURCE_GRAPH_MIN_SUBSCRIPTIONS - 1, 'none waits for a turn');
    [...tenant.unfinished.values()].forEach((finish) => finish());
    await done;
  });

  it('Cancel stops new starts: the running listings end, the rest are told cancelled without a request', async () => {
    const tenant = tenantOf(40);
    const ops = new IdentityOperations(tenant.provider);
    const controller = new AbortController();
    const listings: HostListing[] = [];
    const done = ops.listHosts(tenant.ids, (listing) => listings.push(listing), { signal: controller.signal });
    await settle(50);
    assert.deepEqual(tenant.vmListsStarted, tenant.ids.slice(0, ARM_LISTING_CONCURRENCY));
    tenant.unfinished.get(tenant.ids[0]!)!();
    await settle();
    assert.equal(tenant.vmListsStarted.length, ARM_LISTING_CONCURRENCY + 1, 'a finished listing passes its turn on');

    controller.abort();
    await done;
    assert.equal(tenant.vmListsStarted.length, ARM_LISTING_CONCURRENCY + 1, 'nothing started after Cancel');
    assert.equal(tenant.scaleSetListsStarted.length, ARM_LISTING_CONCURRENCY + 1);
    assert.equal(listings.length, 40, 'every subscription is told, so nothing waits for it');
    const failed = listings.filter((listing) => listing.result.status === 'failed');
    assert.equal(failed.length, 39);
    for (const listing of failed) {
      const error = (listing.result as { error: unknown }).error;
      assert.ok(error instanceof IdentityError && error.kind === 'cancelled', `${listing.subscriptionId}: ${String(error)}`);
    }
  });
});

describe('listHosts: a Resource Graph refusal is remembered for a while', () => {
  it('lists through ARM without asking Graph until RESOURCE_GRAPH_REFUSAL_MEMORY_MS have passed, then asks again', async () => {
    const tenant = tenantOf(12, { autoFinishTurns: () => 1 });
    const { clock, advance } = manualClock();
    const ops = new IdentityOperations(tenant.provider, { clock });
    const load = async () => {
      const listings: HostListing[] = [];
      await ops.listHosts(tenant.ids, (listing) => listings.push(listing));
      assert.equal(listings.length, 12);
      return new Set(listings.map((listing) => listing.from));
    };

    assert.deepEqual(await load(), new Set(['arm']));
    assert.equal(tenant.graph.asked, 1, 'refused with 403');

    advance(RESOURCE_GRAPH_REFUSAL_MEMORY_MS - 1);
    assert.deepEqual(await load(), new Set(['arm']));
    assert.equal(tenant.graph.asked, 1, 'the refusal is remembered');

    advance(1);
    assert.deepEqual(await load(), new Set(['arm']));
    assert.equal(tenant.graph.asked, 2, 'asked again once the memory expired; refused again, so remembered again');

    tenant.graph.refuses = false; // e.g. a role granting Microsoft.ResourceGraph/resources/read
    advance(RESOURCE_GRAPH_REFUSAL_MEMORY_MS / 2);
    assert.deepEqual(await load(), new Set(['arm']));
    assert.equal(tenant.graph.asked, 2, 'the second refusal counts from when it was given');

    advance(RESOURCE_GRAPH_REFUSAL_MEMORY_MS / 2);
    const armListingsBefore = tenant.vmListsStarted.length;
    assert.deepEqual(await load(), new Set(['resourceGraph']), 'the grant is used without a reload');
    assert.equal(tenant.graph.asked, 3);
    assert.equal(tenant.vmListsStarted.length, armListingsBefore, 'no ARM listing');
  });
});
