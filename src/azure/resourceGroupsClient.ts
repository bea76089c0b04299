// A subscription's resource groups, for choosing where a new identity or VM goes. A thin REST call through the shared
// JSON pipeline rather than @azure/arm-resources: one paged GET does not justify that package's size.
import type { TokenCredential } from '@azure/core-auth';
import type { ResourceGroup } from '../identity/model';
import { resourceNameFromId } from '../identity/resourceIds';
import type { CloudEndpoints } from './cloud';
import type { CallOptions, ResourceGroupsClient } from '../identity/ports';
import type { Logger } from './logger';
import { createSubscriptionLister, type SubscriptionLister } from './restPipeline';

/** The version @azure/arm-resources 8.0.0 sent for ResourceGroups_List. */
const RESOURCES_API_VERSION_FOR_LISTS = '2025-04-01';

interface ArmResourceGroup {
  id: string;
  name?: string;
  location: string;
}

export class RestResourceGroupsClient implements ResourceGroupsClient {
  private readonly listAll: SubscriptionLister;

  constructor(cloud: CloudEndpoints, credential: TokenCredential, subscriptionId: string, logger: Logger) {
    this.listAll = createSubscriptionLister(cloud, credential, subscriptionId, logger);
  }

  async list(options?: CallOptions): Promise<ResourceGroup[]> {
    // ARM's own spelling of the path (ResourceGroups_List): lower-case `resourcegroups`.
    const items = await this.listAll<ArmResourceGroup>('resourcegroups', RESOURCES_API_VERSION_FOR_LISTS, { signal: options?.signal });
    return items.map((group) => ({ id: group.id, name: group.name ?? resourceNameFromId(group.id), location: group.location }));
  }
}
