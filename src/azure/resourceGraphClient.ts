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
/** Pages asked for at once after the first: each costs one unit of the caller's quota (15 per 5 seconds). */
const CONCURRENT_PAGES = 8;

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
  totalRecords?: number;
  resultTruncated?: 'true' | 'false';
  $skipToken?: string;
}

export class RestResourceGraphClient implements ResourceGraphClient {
  private readonly pipeline: JsonPipeline;
  private readonly url: string;

  constructor(cloud: CloudEndpoints, credential: TokenCredential, logger: Logger) {
    this.url = `${trimTrailingSlashes(cloud.resourceManagerEndpoint)}/providers/Microsoft.ResourceGraph/resources?api-version=${RESOURCE_GRAPH_API_VERSION}`;
    this.pipeline = createJsonPipeline({ credential, scope: cloud.resourceManagerScope, logger, allowedOrigin: cloud.resourceManagerEndpoint });
  }

  /**
   * The first page tells how many rows there are; the other pages are then asked for at once by offset ($skip), up to
   * CONCURRENT_PAGES in flight, so any number of hosts takes two round trips rather than one per 1,000 rows; with
   * `expectedRows` (a refresh knows what the last listing had) the pages that many fill are asked for with the first,
   * so one round trip, and a page that turns out empty is dropped. Pages are handed to `onPage` in order. (ARG's documented continuation is $skipToken; offsets over the same sorted query give
   * the same rows, and a row that moves between pages meanwhile is deduplicated by id or shown at the next refresh.)
   */
  async listHosts(subscriptionIds: string[], options?: ResourceGraphListOptions): Promise<IdentityHost[]> {
    // Rows per page: PAGE_ROWS unless the service answers fewer while more follow (then its own page size counts).
    let step = PAGE_ROWS;
    const ask = (page: number) => {
      const answer = this.query(subscriptionIds, page * step, options?.signal);
      answer.catch(() => undefined); // awaited in order below; a later page's failure must not go unhandled meanwhile
      return answer;
    };
    const expectedPages = Math.min(CONCURRENT_PAGES, Math.max(1, Math.ceil((options?.expectedRows ?? 0) / PAGE_ROWS)));
    const asked = new Map<number, Promise<QueryPage>>();
    for (let page = 0; page < expectedPages; page++) asked.set(page, ask(page));
    const first = await asked.get(0)!;
    if (first.more && first.data.length > 0 && first.data.length !== step) {
      step = first.data.length;
      [...asked.keys()].filter((page) => page > 0).forEach((page) => asked.delete(page)); // asked at the wrong offsets
    }
    const pageCount = first.more ? Math.ceil(Math.max(first.totalRecords ?? 0, first.data.length + 1) / step) : 1;
    let nextToAsk = asked.size;
    // Keeps up to CONCURRENT_PAGES pages in flight after the one just received: asked before that page's rows are
    // turned into hosts and shown, so that work overlaps their round trip.
    const topUp = (received: number) => {
      for (; nextToAsk < pageCount && nextToAsk - received - 1 < CONCURRENT_PAGES; nextToAsk++) asked.set(nextToAsk, ask(nextToAsk));
    };
    topUp(0);
    const hosts = toHosts(first.data);
    options?.onPage?.(hosts, pageCount === 1);
    for (let page = 1; page < pageCount; page++) {
      const { data } = await asked.get(page)!;
      topUp(page);
      const rows = toHosts(data);
      hosts.push(...rows);
      options?.onPage?.(rows, page === pageCount - 1);
    }
    return hosts;
  }

  private async query(subscriptionIds: string[], skip: number, signal: AbortSignal | undefined): Promise<QueryPage> {
    const body = {
      subscriptions: subscriptionIds,
      query: HOSTS_QUERY,
      // resultFormat explicitly: older api-versions defaulted to `table` (wire facts section 9).
      options: { resultFormat: 'objectArray', $top: PAGE_ROWS, ...(skip > 0 ? { $skip: skip } : {}) },
    };
    const answer = (await this.pipeline.send('POST', this.url, { body, signal })).body as QueryAnswer | undefined;
    return {
      data: answer?.data ?? [],
      totalRecords: answer?.totalRecords,
      more: answer?.$skipToken !== undefined || answer?.resultTruncated === 'true',
    };
  }
}

interface QueryPage {
  data: HostRow[];
  totalRecords?: number;
  more: boolean;
}

function toHosts(rows: HostRow[]): IdentityHost[] {
  return rows.flatMap((row) => toHost(row) ?? []);
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
