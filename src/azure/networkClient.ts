// Virtual networks and their subnets, for a new VM's NIC. A thin REST call through the shared JSON pipeline rather
// than @azure/arm-network: one paged GET does not justify that package's size.
import type { TokenCredential } from '@azure/core-auth';
import type { VirtualNetwork } from '../identity/model';
import { sortBy } from '../identity/ordering';
import { resourceGroupFromId, resourceNameFromId, trimTrailingSlashes } from '../identity/resourceIds';
import type { CloudEndpoints } from './cloud';
import type { CallOptions, VirtualNetworksClient } from '../identity/ports';
import type { Logger } from './logger';
import { createJsonPipeline, followPages, type JsonPipeline } from './restPipeline';

const NETWORK_API_VERSION_FOR_LISTS = '2024-05-01';

interface ArmVirtualNetwork {
  id: string;
  name?: string;
  location: string;
  properties?: { subnets?: { id: string; name?: string; properties?: { addressPrefix?: string; addressPrefixes?: string[] } }[] };
}

export class RestVirtualNetworksClient implements VirtualNetworksClient {
  private readonly pipeline: JsonPipeline;
  private readonly root: string;

  constructor(cloud: CloudEndpoints, credential: TokenCredential, private readonly subscriptionId: string, logger: Logger) {
    this.root = trimTrailingSlashes(cloud.resourceManagerEndpoint);
    this.pipeline = createJsonPipeline({ credential, scope: cloud.resourceManagerScope, logger, allowedOrigin: cloud.resourceManagerEndpoint });
  }

  async list(options?: CallOptions): Promise<VirtualNetwork[]> {
    const url = `${this.root}/subscriptions/${encodeURIComponent(this.subscriptionId)}/providers/Microsoft.Network/virtualNetworks?api-version=${NETWORK_API_VERSION_FOR_LISTS}`;
    const items = await followPages<ArmVirtualNetwork>(this.pipeline, url, 'nextLink', { signal: options?.signal });
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
