// Microsoft Graph (v1.0) for groups and memberships, over @azure/core-rest-pipeline rather than
// @microsoft/microsoft-graph-client: it is the same pipeline the ARM clients use (one TokenCredential, the same
// retry policy that honours Retry-After, the same request log), it takes any endpoint (sovereign clouds, the fake
// Azure) without a custom auth provider, and it adds no dependency for six calls.
import type { TokenCredential } from '@azure/core-auth';
import type { EntraGroup, GroupPage } from '../identity/model';
import type { CloudEndpoints } from './cloud';
import type { CallOptions, GraphClient } from '../identity/ports';
import type { Logger } from './logger';
import { createJsonPipeline, followPages, type JsonPipeline } from './restPipeline';

interface GraphGroup {
  '@odata.type'?: string;
  id: string;
  displayName?: string;
  description?: string | null;
}

const GROUP_FIELDS = 'id,displayName,description';
/** Advanced queries ($search, $count) need this header on every request, including each nextLink page. */
const ADVANCED_QUERY_HEADERS = { ConsistencyLevel: 'eventual' };

export class RestGraphClient implements GraphClient {
  private readonly silent: JsonPipeline;
  private readonly prompting: JsonPipeline;
  private readonly root: string;

  /** `promptingCredential` is used for calls with `allowSignInPrompt` (VS Code may ask for Graph consent). */
  constructor(cloud: CloudEndpoints, credential: TokenCredential, logger: Logger, promptingCredential?: TokenCredential) {
    this.root = `${cloud.graphEndpoint}/v1.0`;
    const pipelineFor = (c: TokenCredential) => createJsonPipeline({ credential: c, scope: cloud.graphScope, logger, allowedOrigin: cloud.graphEndpoint });
    this.silent = pipelineFor(credential);
    this.prompting = promptingCredential ? pipelineFor(promptingCredential) : this.silent;
  }

  private pipeline(options: CallOptions | undefined): JsonPipeline {
    return options?.allowSignInPrompt ? this.prompting : this.silent;
  }

  /** Type-ahead search by display name (`$search="displayName:…"`, which matches words anywhere in the name). */
  async searchGroups(text: string, options?: CallOptions & { top?: number }): Promise<GroupPage> {
    const query = new URLSearchParams({ $select: GROUP_FIELDS, $count: 'true', $top: String(options?.top ?? 25) });
    const trimmed = text.trim();
    if (trimmed) {
      query.set('$search', `"displayName:${escapeSearchTerm(trimmed)}"`);
    } else {
      query.set('$orderby', 'displayName');
    }
    return this.groupPage(`${this.root}/groups?${query.toString()}`, options);
  }

  nextGroupPage(nextPageLink: string, options?: CallOptions): Promise<GroupPage> {
    return this.groupPage(nextPageLink, options);
  }

  /** The groups the principal is a direct member of (other directory objects, e.g. roles, are left out). */
  async listMemberOf(principalId: string, options?: CallOptions): Promise<EntraGroup[]> {
    const items = await followPages<GraphGroup>(
      this.pipeline(options),
      `${this.root}/servicePrincipals/${encodeURIComponent(principalId)}/memberOf?$select=${GROUP_FIELDS}`,
      '@odata.nextLink',
      { signal: options?.signal },
    );
    return items.filter(isGroup).map(toGroup);
  }

  async addMember(groupId: string, principalId: string, options?: CallOptions): Promise<void> {
    await this.pipeline(options).send('POST', `${this.root}/groups/${encodeURIComponent(groupId)}/members/$ref`, {
      body: { '@odata.id': `${this.root}/directoryObjects/${principalId}` },
      signal: options?.signal,
    });
  }

  async removeMember(groupId: string, principalId: string, options?: CallOptions): Promise<void> {
    // With /$ref this removes the membership; without it Graph would delete the object itself.
    await this.pipeline(options).send('DELETE', `${this.root}/groups/${encodeURIComponent(groupId)}/members/${encodeURIComponent(principalId)}/$ref`, {
      signal: options?.signal,
    });
  }

  private async groupPage(url: string, options?: CallOptions): Promise<GroupPage> {
    const response = await this.pipeline(options).send('GET', url, { headers: ADVANCED_QUERY_HEADERS, signal: options?.signal });
    const body = response.body as { value?: GraphGroup[]; '@odata.nextLink'?: string } | undefined;
    const page: GroupPage = { groups: (body?.value ?? []).filter(isGroup).map(toGroup) };
    if (body?.['@odata.nextLink']) {
      page.nextPageLink = body['@odata.nextLink'];
    }
    return page;
  }
}

/** Inside `$search="…"` a double quote and a backslash are escaped with a backslash. */
export function escapeSearchTerm(text: string): string {
  return text.replace(/[\\"]/g, (c) => `\\${c}`);
}

function isGroup(item: GraphGroup): boolean {
  return item['@odata.type'] === undefined || item['@odata.type'] === '#microsoft.graph.group';
}

function toGroup(item: GraphGroup): EntraGroup {
  const group: EntraGroup = { id: item.id, displayName: item.displayName ?? item.id };
  if (item.description) {
    group.description = item.description;
  }
  return group;
}
