// Virtual networks and their subnets, for a new VM's NIC. A thin REST call through the shared JSON pipeline rather
// than @azure/arm-network: one paged GET does not justify that package's size.
import type { TokenCredential } from '@azure/core-auth';
import type { VirtualNetwork } from '../identity/model';
import { sortBy } from '../identity/ordering';
import { resourceGroupFromId, resourceNameFromId } from '../identity/resourceIds';
import type { CloudEndpoints } from './cloud';
import type { CallOptions, VirtualNetworksClient } from '../identity/ports';
import type { Logger } from './logger';
import { createSubscriptionLister, type SubscriptionLister } from './restPipeline';

const NETWORK_API_VERSION_FOR_LISTS = '2024-05-01';

interface ArmVirtualNetwork {
  id: string;
  name?: string;
  location: string;
  properties?: { subnets?: { id: string; name?: string; properties?: { addressPrefix?: string; addressPrefixes?: string[] } }[] };
}

export class RestVirtualNetworksClient implements VirtualNetworksClient {
  private readonly listAll: SubscriptionLister;

  constructor(cloud: CloudEndpoints, credential: TokenCredential, subscriptionId: string, logger: Logger) {
    this.listAll = createSubscriptionLister(cloud, credential, subscriptionId, logger);
  }

  async list(options?: CallOptions): Promise<VirtualNetwork[]> {
    const items = await this.listAll<ArmVirtualNetwork>('providers/Microsoft.Network/virtualNetworks', NETWORK_API_VERSION_FOR_LISTS, { signal: options?.signal });
    return sortBy(items.map(toVirtualNetwork), (network) => network.name);
  }
}

function toVirtualNetwork(item: ArmVirtualNetwork): VirtualNetwork {
  return {
    id: item.id,
    name: item.name ?? resourceNameFromId(item.id),
    resourceGroup: resourceGroupFromId(item.id) ?? '',
    location: item.location,
    subnets: sortBy(
      (item.properties?.subnets ?? []).map((subnet) => {
        const prefix = subnet.properties?.addressPrefix ?? subnet.properties?.addressPrefixes?.join(', ');
        return { id: subnet.id, name: subnet.name ?? resourceNameFromId(subnet.id), ...(prefix ? { addressPrefix: prefix } : {}) };
      }),
      (subnet) => subnet.name,
    ),
  };
}
