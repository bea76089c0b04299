// A subscription's resource groups, for choosing where a new identity or VM goes. A thin REST call through the shared
// JSON pipeline rather than @azure/arm-resources: one paged GET does not justify that package's size.
import type { TokenCredential } from '@azure/core-auth';
import type { ResourceGroup } from '../identity/model';
import { resourceNameFromId, trimTrailingSlashes } from '../identity/resourceIds';
import type { CloudEndpoints } from './cloud';
import type { CallOptions, ResourceGroupsClient } from '../identity/ports';
import type { Logger } from './logger';
import { createJsonPipeline, followPages, type JsonPipeline } from './restPipeline';

/** The version @azure/arm-resources 8.0.0 sent for ResourceGroups_List. */
const RESOURCES_API_VERSION_FOR_LISTS = '2025-04-01';

interface ArmResourceGroup {
  id: string;
  name?: string;
  location: string;
}

export class RestResourceGroupsClient implements ResourceGroupsClient {
  private readonly pipeline: JsonPipeline;
  private readonly root: string;

  constructor(cloud: CloudEndpoints, credential: TokenCredential, private readonly subscriptionId: string, logger: Logger) {
    this.root = trimTrailingSlashes(cloud.resourceManagerEndpoint);
    this.pipeline = createJsonPipeline({ credential, scope: cloud.resourceManagerScope, logger, allowedOrigin: cloud.resourceManagerEndpoint });
  }

  async list(options?: CallOptions): Promise<ResourceGroup[]> {
    // ARM's own spelling of the path (ResourceGroups_List): lower-case `resourcegroups`.
    const url = `${this.root}/subscriptions/${encodeURIComponent(this.subscriptionId)}/resourcegroups?api-version=${RESOURCES_API_VERSION_FOR_LISTS}`;
    const items = await followPages<ArmResourceGroup>(this.pipeline, url, 'nextLink', { signal: options?.signal });
    return items.map((group) => ({ id: group.id, name: group.name ?? resourceNameFromId(group.id), location: group.location }));
  }
}
