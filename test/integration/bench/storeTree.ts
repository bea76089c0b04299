// What the tree does when every subscription is expanded, without VS Code: list the subscriptions through the store,
// each page's loading together as it arrives (VmTreeDataProvider.rootChildren), and expand each (vmChildren: the first
// part of a long list at once, the whole list when complete).
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
  let firstHostsAt: number | undefined;
  const hostsBySubscription = new Map<string, IdentityHost[]>();
  const firstShownBySubscription = new Map<string, number>();
  const expanding = new Map<string, Promise<void>>();
  const expand = (subscriptionId: string) =>
    expanding.get(subscriptionId) ??
    expanding.set(subscriptionId, (async () => {
      const some = await store.loadSomeHosts(subscriptionId);
      const shown = some.status === 'loaded' ? some.value : some.status === 'loading' ? (some.partial ?? []) : [];
      if (shown.length > 0) firstHostsAt ??= performance.now();
      firstShownBySubscription.set(subscriptionId, shown.length);
      hostsBySubscription.set(subscriptionId, await store.hosts(subscriptionId));
    })()).get(subscriptionId)!;
  // As the tree does: each page of subscriptions starts loading its hosts (and is shown, so expanded) as it arrives.
  const subscriptions = await store.loadSubscriptions((page) => {
    store.prefetchHosts(page.map((s) => s.subscriptionId));
    page.forEach((s) => void expand(s.subscriptionId));
  });
  const subscriptionsAt = performance.now();
  store.prefetchHosts(subscriptions.map((s) => s.subscriptionId));
  await Promise.all(subscriptions.map((s) => expand(s.subscriptionId)));
  return { hostsBySubscription, firstShownBySubscription, subscriptionsAt, firstHostsAt };
}
