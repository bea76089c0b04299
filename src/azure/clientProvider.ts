// Builds the clients for each subscription, with that subscription's tenant credential, and keeps them.
import type { TokenCredential } from '@azure/core-auth';
import { cancelledError, IdentityError } from '../identity/errors';
import type { Subscription } from '../identity/model';
import {
  ArmResourceGroupsClient,
  ArmUserAssignedIdentitiesClient,
  ArmVirtualMachinesClient,
  listSubscriptionsWith,
} from './armClients';
import type { CloudEndpoints } from './cloud';
import type { AzureClientProvider, CallOptions, SubscriptionClients } from '../identity/ports';
import { RestGraphClient } from './graphClient';
import type { Logger } from './logger';
import { RestVirtualNetworksClient } from './networkClient';

export interface SubscriptionWithCredential {
  subscription: Subscription;
  /** A credential for the subscription's tenant; it never asks the user anything. */
  credential: TokenCredential;
  /** For Microsoft Graph calls allowed to ask the user (consent); absent when `credential` never needs to. */
  promptingCredential?: TokenCredential;
}

/** Lists the subscriptions a sign-in can see, each with the credential to reach it. */
export type SubscriptionSource = (options?: CallOptions) => Promise<SubscriptionWithCredential[]>;

/** All SDK clients for one subscription, built from the cloud's endpoints and one credential. */
export function createSubscriptionClients(
  cloud: CloudEndpoints,
  credential: TokenCredential,
  subscription: Subscription,
  logger: Logger,
  promptingCredential?: TokenCredential,
): SubscriptionClients {
  const { subscriptionId } = subscription;
  const virtualMachines = new ArmVirtualMachinesClient(cloud, credential, subscriptionId, logger);
  return {
    subscription,
    virtualMachines,
    identityHosts: { virtualMachine: virtualMachines },
    virtualNetworks: new RestVirtualNetworksClient(cloud, credential, subscriptionId, logger),
    userAssignedIdentities: new ArmUserAssignedIdentitiesClient(cloud, credential, subscriptionId, logger),
    resourceGroups: new ArmResourceGroupsClient(cloud, credential, subscriptionId, logger),
    graph: new RestGraphClient(cloud, credential, logger, promptingCredential),
  };
}

/** One credential for every subscription (service principal); `credentialForTenant` gives a tenant-bound one when
 *  a sign-in spans tenants (Azure CLI). */
export function credentialSubscriptionSource(
  cloud: CloudEndpoints,
  credential: TokenCredential,
  logger: Logger,
  credentialForTenant?: (tenantId: string) => TokenCredential,
): SubscriptionSource {
  return async (options) => {
    const subscriptions = await listSubscriptionsWith(cloud, credential, logger, options);
    return subscriptions.map((subscription) => ({
      subscription,
      credential: credentialForTenant && subscription.tenantId ? credentialForTenant(subscription.tenantId) : credential,
    }));
  };
}

export class CachingClientProvider implements AzureClientProvider {
  private known = new Map<string, SubscriptionWithCredential>();
  private clients = new Map<string, SubscriptionClients>();
  private listing: Promise<Subscription[]> | undefined;
  /** Bumped by clear(), so a listing that was running for the old sign-in does not refill the caches. */
  private generation = 0;

  constructor(
    private readonly cloud: CloudEndpoints,
    private readonly source: SubscriptionSource,
    private readonly logger: Logger,
  ) {}

  async listSubscriptions(options?: CallOptions): Promise<Subscription[]> {
    const generation = this.generation;
    const entries = await this.source(options);
    if (generation !== this.generation) {
      return entries.map((entry) => entry.subscription);
    }
    this.known = new Map(entries.map((entry) => [entry.subscription.subscriptionId.toLowerCase(), entry]));
    // Clients whose subscription is gone, or whose credential changed, are rebuilt on next use.
    for (const [id, clients] of this.clients) {
      if (this.known.get(id)?.subscription.tenantId !== clients.subscription.tenantId) {
        this.clients.delete(id);
      }
    }
    return entries.map((entry) => entry.subscription);
  }

  async forSubscription(subscriptionId: string, options?: CallOptions): Promise<SubscriptionClients> {
    const key = subscriptionId.toLowerCase();
    let listedFor: number | undefined;
    for (;;) {
      const cached = this.clients.get(key);
      if (cached) {
        return cached;
      }
      const entry = this.known.get(key);
      if (entry) {
        const clients = createSubscriptionClients(this.cloud, entry.credential, entry.subscription, this.logger, entry.promptingCredential);
        this.clients.set(key, clients);
        return clients;
      }
      if (listedFor === this.generation) {
        throw new IdentityError(`Subscription ${subscriptionId} is not available to this sign-in.`, { kind: 'notFound' });
      }
      // Concurrent first calls share one listing; each caller's signal stops only its own wait. When the sign-in
      // changed meanwhile (clear()), the loop lists again for the new one.
      listedFor = this.generation;
      if (!this.listing) {
        const listing = this.listSubscriptions().finally(() => {
          if (this.listing === listing) {
            this.listing = undefined;
          }
        });
        this.listing = listing;
      }
      await untilAborted(this.listing, options?.signal);
    }
  }

  /** Forgets everything (after a sign-in change); a listing still running for the old sign-in is not reused. */
  clear(): void {
    this.known.clear();
    this.clients.clear();
    this.listing = undefined;
    this.generation++;
  }
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) {
    return promise;
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelledError());
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
