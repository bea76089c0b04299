// The store's source in the extension, the integration tests and the bench: the operations module, read through the
// subscriptions the tree shows.
import type { Subscription } from '../identity/model';
import type { IdentityOperations } from '../identity/operations';
import type { StoreSource } from './resourceStore';

/** `shown` picks the subscriptions the tree shows (the user's selection) from all of them. */
export function operationsStoreSource(operations: IdentityOperations, shown: (subscriptions: Subscription[]) => Subscription[]): StoreSource {
  return {
    listSubscriptions: (onPage) => operations.listSubscriptions(onPage ? { onPage } : undefined),
    // VMs and scale sets (a Flexible set's instances are VMs already, each naming its set); many subscriptions at once
    // through Resource Graph.
    listHosts: (subscriptionIds, listed, knownHosts) => operations.listHosts(subscriptionIds, listed, { knownHosts }),
    listsTogether: (count) => operations.listsTogether(count),
    getHost: (host) => operations.getHost(host),
    listGroupMemberships: (host, options) => operations.listGroupMemberships(host, options),
    listRoleAssignments: (principal) => operations.access.listRoleAssignments(principal),
    // Across the subscriptions the tree shows; a subscription that fails to list is left out of the answer.
    listIdentityConsumers: async (identityId) => {
      const selected = shown(await operations.listSubscriptions());
      return (await operations.access.listIdentityConsumers(identityId, selected.map((s) => s.subscriptionId))).consumers;
    },
  };
}
