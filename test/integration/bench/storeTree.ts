// What the tree does when every subscription is expanded, without VS Code: list the subscriptions through the store,
// let it load the shown ones together (VmTreeDataProvider.rootChildren), then expand each (vmChildren).
import type { IdentityHost } from '../../../src/identity/model';
import type { IdentityOperations } from '../../../src/identity/operations';
import { operationsStoreSource } from '../../../src/store/operationsSource';
import { ResourceStore, type ResourceStoreOptions } from '../../../src/store/resourceStore';

export function storeFor(ops: IdentityOperations, options?: ResourceStoreOptions): ResourceStore {
  return new ResourceStore(operationsStoreSource(ops, (subscriptions) => subscriptions), options);
}

export interface ExpandedTree {
  hostsBySubscription: Map<string, IdentityHost[]>;
  /** performance.now() when the subscriptions were listed. */
  subscriptionsAt: number;
  /** performance.now() when the first subscription showed its hosts (a loaded list with at least one host). */
  firstHostsAt: number | undefined;
}

export async function expandEverySubscription(store: ResourceStore): Promise<ExpandedTree> {
  const subscriptions = await store.loadSubscriptions();
  const subscriptionsAt = performance.now();
  store.prefetchHosts(subscriptions.map((s) => s.subscriptionId));
  let firstHostsAt: number | undefined;
  const hostsBySubscription = new Map<string, IdentityHost[]>();
  await Promise.all(
    subscriptions.map(async ({ subscriptionId }) => {
      const hosts = await store.hosts(subscriptionId);
      if (hosts.length > 0) firstHostsAt ??= performance.now();
      hostsBySubscription.set(subscriptionId, hosts);
    }),
  );
  return { hostsBySubscription, subscriptionsAt, firstHostsAt };
}
