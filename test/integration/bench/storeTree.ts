// What the tree does when every subscription is expanded, without VS Code: list the subscriptions through the store,
// let it load the shown ones together (VmTreeDataProvider.rootChildren), then expand each (vmChildren: the first part
// of a long list at once, the whole list when complete).
import type { IdentityHost } from '../../../src/identity/model';
import type { IdentityOperations } from '../../../src/identity/operations';
import { operationsStoreSource } from '../../../src/store/operationsSource';
import { ResourceStore, type ResourceStoreOptions } from '../../../src/store/resourceStore';

export function storeFor(ops: IdentityOperations, options?: ResourceStoreOptions): ResourceStore {
  return new ResourceStore(operationsStoreSource(ops, (subscriptions) => subscriptions), options);
}

export interface ExpandedTree {
  hostsBySubscription: Map<string, IdentityHost[]>;
  /** How many hosts each subscription showed first: its whole list, or the first part of a long one. */
  firstShownBySubscription: Map<string, number>;
  /** performance.now() when the subscriptions were listed. */
  subscriptionsAt: number;
  /** performance.now() when the first subscription showed hosts (a part of its list counts). */
  firstHostsAt: number | undefined;
}

export async function expandEverySubscription(store: ResourceStore): Promise<ExpandedTree> {
  const subscriptions = await store.loadSubscriptions();
  const subscriptionsAt = performance.now();
  store.prefetchHosts(subscriptions.map((s) => s.subscriptionId));
  let firstHostsAt: number | undefined;
  const hostsBySubscription = new Map<string, IdentityHost[]>();
  const firstShownBySubscription = new Map<string, number>();
  await Promise.all(
    subscriptions.map(async ({ subscriptionId }) => {
      const some = await store.loadSomeHosts(subscriptionId);
      const shown = some.status === 'loaded' ? some.value : some.status === 'loading' ? (some.partial ?? []) : [];
      if (shown.length > 0) firstHostsAt ??= performance.now();
      firstShownBySubscription.set(subscriptionId, shown.length);
      hostsBySubscription.set(subscriptionId, await store.hosts(subscriptionId));
    }),
  );
  return { hostsBySubscription, firstShownBySubscription, subscriptionsAt, firstHostsAt };
}
