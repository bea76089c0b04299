// Azure Resource Graph (azure-wire-facts.md section 9): the VMs and scale sets of many subscriptions in one paged
// query, projecting only what the tree and the store keep. Rows have no ETag (the Resources table has no such column),
// so a write to a host listed here reads it first, as for any host without one.
import type { TokenCredential } from '@azure/core-auth';
import type { IdentityHost, VirtualMachine, VirtualMachineScaleSet } from '../identity/model';
import { parseResourceId, trimTrailingSlashes } from '../identity/resourceIds';
import type { CloudEndpoints } from './cloud';
import type { ResourceGraphClient, ResourceGraphListOptions } from '../identity/ports';
import { toVmIdentity } from './armClients';
import type { Logger } from './logger';
import { createJsonPipeline, type JsonPipeline } from './restPipeline';

const RESOURCE_GRAPH_API_VERSION = '2024-04-01';
/** ARG's largest page. */
const PAGE_ROWS = 1000;

/** Sorted by subscription (then id, which paging needs anyway), so each page completes the subscriptions before its
 *  last row's: the tree shows those at once. Only the columns the tree and the store use are projected. */
export const HOSTS_QUERY = [
  'Resources',
  "| where type =~ 'microsoft.compute/virtualmachines' or type =~ 'microsoft.compute/virtualmachinescalesets'",
  '| project id, name, type, subscriptionId, location, identity, sku,',
  '  provisioningState = properties.provisioningState, vmSize = properties.hardwareProfile.vmSize,',
  '  osType = properties.storageProfile.osDisk.osType, scaleSetId = properties.virtualMachineScaleSet.id,',
  '  orchestrationMode = properties.orchestrationMode, scaleSetOsType = properties.virtualMachineProfile.storageProfile.osDisk.osType',
  '| order by subscriptionId asc, id asc',
].join('\n');

interface HostRow {
  id: string;
  name?: string;
  type?: string;
  subscriptionId?: string;
  location?: string;
  identity?: Parameters<typeof toVmIdentity>[0] | null;
  sku?: { name?: string; capacity?: number } | null;
  provisioningState?: string | null;
  vmSize?: string | null;
  osType?: string | null;
  scaleSetId?: string | null;
  orchestrationMode?: string | null;
  scaleSetOsType?: string | null;
}

interface QueryAnswer {
  data?: HostRow[];
  $skipToken?: string;
}

export class RestResourceGraphClient implements ResourceGraphClient {
  private readonly pipeline: JsonPipeline;
  private readonly url: string;

  constructor(cloud: CloudEndpoints, credential: TokenCredential, logger: Logger) {
    this.url = `${trimTrailingSlashes(cloud.resourceManagerEndpoint)}/providers/Microsoft.ResourceGraph/resources?api-version=${RESOURCE_GRAPH_API_VERSION}`;
    this.pipeline = createJsonPipeline({ credential, scope: cloud.resourceManagerScope, logger, allowedOrigin: cloud.resourceManagerEndpoint });
  }

  async listHosts(subscriptionIds: string[], options?: ResourceGraphListOptions): Promise<IdentityHost[]> {
    const hosts: IdentityHost[] = [];
    let skipToken: string | undefined;
    do {
      const body = {
        subscriptions: subscriptionIds,
        query: HOSTS_QUERY,
        // resultFormat explicitly: older api-versions defaulted to `table` (wire facts section 9).
        options: { resultFormat: 'objectArray', $top: PAGE_ROWS, ...(skipToken ? { $skipToken: skipToken } : {}) },
      };
      const answer = (await this.pipeline.send('POST', this.url, { body, signal: options?.signal })).body as QueryAnswer | undefined;
      const page = (answer?.data ?? []).flatMap((row) => toHost(row) ?? []);
      hosts.push(...page);
      skipToken = answer?.$skipToken;
      options?.onPage?.(page, skipToken === undefined);
    } while (skipToken);
    return hosts;
  }
}

function toHost(row: HostRow): IdentityHost | undefined {
  const parts = parseResourceId(row.id);
  if (!parts) {
    return undefined;
  }
  const common = {
    id: row.id,
    name: row.name ?? parts.name,
    subscriptionId: parts.subscriptionId,
    // From the id: ARG answers resourceGroup in lower case, ARM with its casing.
    resourceGroup: parts.resourceGroup,
    location: row.location ?? '',
    identity: toVmIdentity(row.identity ?? undefined),
    ...(row.provisioningState ? { provisioningState: row.provisioningState } : {}),
  };
  if (row.type?.toLowerCase() === 'microsoft.compute/virtualmachinescalesets') {
    const scaleSet: VirtualMachineScaleSet = {
      kind: 'virtualMachineScaleSet',
      ...common,
      ...(row.orchestrationMode ? { orchestrationMode: row.orchestrationMode } : {}),
      ...(row.sku?.capacity !== undefined ? { capacity: row.sku.capacity } : {}),
      ...(row.sku?.name ? { vmSize: row.sku.name } : {}),
      ...(row.scaleSetOsType ? { osType: row.scaleSetOsType } : {}),
    };
    return scaleSet;
  }
  const vm: VirtualMachine = {
    kind: 'virtualMachine',
    ...common,
    ...(row.vmSize ? { vmSize: row.vmSize } : {}),
    ...(row.osType ? { osType: row.osType } : {}),
    ...(row.scaleSetId ? { scaleSetId: row.scaleSetId } : {}),
  };
  return vm;
}
