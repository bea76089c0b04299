// Builds the clients for each subscription, with that subscription's tenant credential, and keeps them.
import type { TokenCredential } from '@azure/core-auth';
import { resourceKey } from '../identity/resourceIds';
import { SubscriptionNotAvailableError } from '../identity/serviceError';
import type { Subscription } from '../identity/model';
import {
  ArmRunCommandClient,
  ArmUserAssignedIdentitiesClient,
  ArmScaleSetsClient,
  ArmVirtualMachinesClient,
  listSubscriptionsWith,
} from './armClients';
import { createAuthorizationClients } from './authorizationClients';
import type { CloudEndpoints } from './cloud';
import type { AzureClientProvider, CallOptions, OnListPage, SubscriptionClients, SubscriptionListOptions } from '../identity/ports';
import { RestGraphClient } from './graphClient';
import type { Logger } from './logger';
import { RestVirtualNetworksClient } from './networkClient';
import { RestResourceGraphClient } from './resourceGraphClient';
import { RestResourceGroupsClient } from './resourceGroupsClient';
import { toServiceError, withServiceErrors } from './serviceErrors';

export interface SubscriptionWithCredential {
  subscription: Subscription;
  /** A credential for the subscription's tenant; it never asks the user anything. */
  credential: TokenCredential;
  /** For Microsoft Graph calls allowed to ask the user (consent); absent when `credential` never needs to. */
  promptingCredential?: TokenCredential;
}

/** Lists the subscriptions a sign-in can see, each with the credential to reach it; `onPage` sees them page by page
 *  first where the listing is paged. */
export type SubscriptionSource = (options?: CallOptions, onPage?: OnListPage<SubscriptionWithCredential>) => Promise<SubscriptionWithCredential[]>;

/** All SDK clients for one subscription, built from the cloud's endpoints and one credential; what they throw is
 *  already neutral (ServiceError and the typed sign-in errors). Each client is built when first used: listing a
 *  subscription's hosts builds two of them, not all twelve. */
export function createSubscriptionClients(
  cloud: CloudEndpoints,
  credential: TokenCredential,
  subscription: Subscription,
  logger: Logger,
  promptingCredential?: TokenCredential,
): SubscriptionClients {
  const { subscriptionId } = subscription;
  const authorization = once(() => createAuthorizationClients(cloud, credential, subscriptionId, logger));
  const clients: SubscriptionClients = builtOnFirstUse({
    subscription: () => subscription,
    virtualMachines: () => withServiceErrors(new ArmVirtualMachinesClient(cloud, credential, subscriptionId, logger), 'arm'),
    scaleSets: () => withServiceErrors(new ArmScaleSetsClient(cloud, credential, subscriptionId, logger), 'arm'),
    identityHosts: () => ({ virtualMachine: clients.virtualMachines, virtualMachineScaleSet: clients.scaleSets }),
    virtualNetworks: () => withServiceErrors(new RestVirtualNetworksClient(cloud, credential, subscriptionId, logger), 'arm'),
    userAssignedIdentities: () => withServiceErrors(new ArmUserAssignedIdentitiesClient(cloud, credential, subscriptionId, logger), 'arm'),
    resourceGroups: () => withServiceErrors(new RestResourceGroupsClient(cloud, credential, subscriptionId, logger), 'arm'),
    graph: () => withServiceErrors(new RestGraphClient(cloud, credential, logger, promptingCredential), 'graph'),
    permissions: () => withServiceErrors(authorization().permissions, 'arm'),
    roleDefinitions: () => withServiceErrors(authorization().roleDefinitions, 'arm'),
    roleAssignments: () => withServiceErrors(authorization().roleAssignments, 'arm'),
    resources: () => withServiceErrors(authorization().resources, 'arm'),
    runCommands: () => withServiceErrors(new ArmRunCommandClient(cloud, credential, subscriptionId, logger), 'arm'),
    resourceGraph: () => withServiceErrors(new RestResourceGraphClient(cloud, credential, logger), 'arm'),
  });
  return clients;
}

/** An object whose every property is built by its function when first read, then kept. */
function builtOnFirstUse<T extends object>(builders: { [K in keyof T]: () => T[K] }): T {
  const result = {} as T;
  for (const key of Object.keys(builders) as (keyof T)[]) {
    const value = once(builders[key]);
    Object.defineProperty(result, key, { enumerable: true, get: value });
  }
  return result;
}

function once<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}

/** One credential for every subscription (service principal); `credentialForTenant` gives a tenant-bound one when
 *  a sign-in spans tenants (Azure CLI). */
export function credentialSubscriptionSource(
  cloud: CloudEndpoints,
  credential: TokenCredential,
  logger: Logger,
  credentialForTenant?: (tenantId: string) => TokenCredential,
): SubscriptionSource {
  const withCredential = (subscription: Subscription): SubscriptionWithCredential => ({
    subscription,
    credential: credentialForTenant && subscription.tenantId ? credentialForTenant(subscription.tenantId) : credential,
  });
  return async (options, onPage) => {
    const subscriptions = await listSubscriptionsWith(cloud, credential, logger, {
      signal: options?.signal,
      ...(onPage ? { onPage: (page, morePages) => onPage(page.map(withCredential), morePages) } : {}),
    });
    return subscriptions.map(withCredential);
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

  async listSubscriptions(options?: SubscriptionListOptions): Promise<Subscription[]> {
    const generation = this.generation;
    let entries: SubscriptionWithCredential[];
    // A page's subscriptions can be used (their clients built) before the list is complete.
    const onPage: OnListPage<SubscriptionWithCredential> | undefined = options?.onPage
      ? (page, morePages) => {
          if (generation !== this.generation) {
            return;
          }
          page.forEach((entry) => this.known.set(resourceKey(entry.subscription.subscriptionId), entry));
          options.onPage!(page.map((entry) => entry.subscription), morePages);
        }
      : undefined;
    try {
      entries = await this.source(options, onPage);
    } catch (error) {
      throw toServiceError(error, 'arm');
    }
    if (generation !== this.generation) {
      return entries.map((entry) => entry.subscription);
    }
    this.known = new Map(entries.map((entry) => [resourceKey(entry.subscription.subscriptionId), entry]));
    // Clients whose subscription is gone, or whose credential changed, are rebuilt on next use.
    for (const [id, clients] of this.clients) {
      if (this.known.get(id)?.subscription.tenantId !== clients.subscription.tenantId) {
        this.clients.delete(id);
      }
    }
    return entries.map((entry) => entry.subscription);
  }

  async forSubscription(subscriptionId: string, options?: CallOptions): Promise<SubscriptionClients> {
    const key = resourceKey(subscriptionId);
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
        throw new SubscriptionNotAvailableError(subscriptionId);
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
    const onAbort = () => reject(abortError());
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The DOM-style AbortError every layer reads as a cancellation. */
function abortError(): Error {
  return Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' });
}
