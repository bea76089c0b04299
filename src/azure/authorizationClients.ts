// Microsoft.Authorization (role assignments, role definitions, the caller's permissions) and ARM's generic resource
// list, over the shared JSON pipeline (restPipeline.ts) rather than @azure/arm-authorization: a handful of REST calls
// do not justify a runtime dependency, and the pipeline is the one every other client uses (retries that honour
// Retry-After, the request log, tokens only for the cloud's own endpoint). Wire facts §8.
import type { TokenCredential } from '@azure/core-auth';
import type { AzureResource } from '../identity/model';
import type { PermissionEntry } from '../identity/permissions';
import type {
  CallOptions,
  GenericResourcesClient,
  PermissionsClient,
  ResourceSearch,
  RoleAssignmentsClient,
  RoleDefinitionsClient,
} from '../identity/ports';
import { resourceGroupFromId, resourceNameFromId, trimTrailingSlashes } from '../identity/resourceIds';
import type { NewRoleAssignment, PrincipalType, RoleAssignment, RoleDefinition, RoleType } from '../identity/roles';
import { parseScope } from '../identity/scopes';
import type { CloudEndpoints } from './cloud';
import type { Logger } from './logger';
import { createJsonPipeline, followPages, type JsonPipeline } from './restPipeline';

const AUTHORIZATION_API_VERSION = '2022-04-01';
const RESOURCES_API_VERSION = '2021-04-01';

interface ArmRoleAssignment {
  id: string;
  name: string;
  properties: { scope: string; roleDefinitionId: string; principalId: string; principalType?: PrincipalType };
}

interface ArmRoleDefinition {
  id: string;
  name: string;
  properties: {
    roleName?: string;
    description?: string;
    type?: RoleType;
    assignableScopes?: string[];
    permissions?: Partial<PermissionEntry>[];
  };
}

interface ArmGenericResource {
  id: string;
  name?: string;
  type?: string;
  location?: string;
}

/** The four clients for one subscription, sharing one pipeline. */
export function createAuthorizationClients(cloud: CloudEndpoints, credential: TokenCredential, subscriptionId: string, logger: Logger) {
  const pipeline = createJsonPipeline({ credential, scope: cloud.resourceManagerScope, logger, allowedOrigin: cloud.resourceManagerEndpoint });
  const root = trimTrailingSlashes(cloud.resourceManagerEndpoint);
  return {
    permissions: new RestPermissionsClient(pipeline, root),
    roleDefinitions: new RestRoleDefinitionsClient(pipeline, root),
    roleAssignments: new RestRoleAssignmentsClient(pipeline, root),
    resources: new RestGenericResourcesClient(pipeline, root, subscriptionId),
  };
}

/** A scope or id as a URL path: ARM pastes scopes raw (slashes kept), so each segment is encoded on its own. */
export function scopePath(scope: string): string {
  return trimTrailingSlashes(scope.trim())
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => `/${encodeURIComponent(segment)}`)
    .join('');
}

/** An OData string literal: quotes doubled. */
function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export class RestPermissionsClient implements PermissionsClient {
  constructor(
    private readonly pipeline: JsonPipeline,
    private readonly root: string,
  ) {}

  async listPermissions(scope: string, options?: CallOptions): Promise<PermissionEntry[]> {
    const url = `${this.root}${scopePath(scope)}/providers/Microsoft.Authorization/permissions?api-version=${AUTHORIZATION_API_VERSION}`;
    const blocks = await followPages<Partial<PermissionEntry>>(this.pipeline, url, 'nextLink', { signal: options?.signal });
    return blocks.map((block) => ({
      actions: block.actions ?? [],
      notActions: block.notActions ?? [],
      dataActions: block.dataActions ?? [],
      notDataActions: block.notDataActions ?? [],
    }));
  }
}

export class RestRoleDefinitionsClient implements RoleDefinitionsClient {
  constructor(
    private readonly pipeline: JsonPipeline,
    private readonly root: string,
  ) {}

  async list(scope: string, options?: CallOptions): Promise<RoleDefinition[]> {
    const url = `${this.root}${scopePath(scope)}/providers/Microsoft.Authorization/roleDefinitions?api-version=${AUTHORIZATION_API_VERSION}`;
    return (await followPages<ArmRoleDefinition>(this.pipeline, url, 'nextLink', { signal: options?.signal })).map(toRoleDefinition);
  }

  async get(roleDefinitionId: string, options?: CallOptions): Promise<RoleDefinition> {
    const url = `${this.root}${scopePath(roleDefinitionId)}?api-version=${AUTHORIZATION_API_VERSION}`;
    return toRoleDefinition((await this.pipeline.send('GET', url, { signal: options?.signal })).body as ArmRoleDefinition);
  }
}

export class RestRoleAssignmentsClient implements RoleAssignmentsClient {
  constructor(
    private readonly pipeline: JsonPipeline,
    private readonly root: string,
  ) {}

  async listForPrincipal(scope: string, principalId: string, options?: CallOptions): Promise<RoleAssignment[]> {
    const filter = encodeURIComponent(`principalId eq ${odataString(principalId)}`);
    const url = `${this.root}${scopePath(scope)}/providers/Microsoft.Authorization/roleAssignments?api-version=${AUTHORIZATION_API_VERSION}&$filter=${filter}`;
    return (await followPages<ArmRoleAssignment>(this.pipeline, url, 'nextLink', { signal: options?.signal })).map(toRoleAssignment);
  }

  async create(assignment: NewRoleAssignment, options?: CallOptions): Promise<RoleAssignment> {
    const url = `${this.root}${scopePath(assignment.scope)}/providers/Microsoft.Authorization/roleAssignments/${encodeURIComponent(assignment.name)}?api-version=${AUTHORIZATION_API_VERSION}`;
    const response = await this.pipeline.send('PUT', url, { body: assignment.body, signal: options?.signal });
    return toRoleAssignment(response.body as ArmRoleAssignment);
  }

  async delete(roleAssignmentId: string, options?: CallOptions): Promise<RoleAssignment | undefined> {
    const url = `${this.root}${scopePath(roleAssignmentId)}?api-version=${AUTHORIZATION_API_VERSION}`;
    const response = await this.pipeline.send('DELETE', url, { signal: options?.signal });
    return response.status === 204 || !response.body ? undefined : toRoleAssignment(response.body as ArmRoleAssignment);
  }
}

export class RestGenericResourcesClient implements GenericResourcesClient {
  constructor(
    private readonly pipeline: JsonPipeline,
    private readonly root: string,
    private readonly subscriptionId: string,
  ) {}

  async list(search: ResourceSearch, options?: CallOptions): Promise<AzureResource[]> {
    const base = search.resourceGroup
      ? `/subscriptions/${encodeURIComponent(this.subscriptionId)}/resourceGroups/${encodeURIComponent(search.resourceGroup)}/resources`
      : `/subscriptions/${encodeURIComponent(this.subscriptionId)}/resources`;
    // ARM documents `substringof` and `resourceType` as a combination it accepts.
    const clauses = [
      search.resourceType ? `resourceType eq ${odataString(search.resourceType)}` : undefined,
      search.nameContains?.trim() ? `substringof(${odataString(search.nameContains.trim())}, name)` : undefined,
    ].filter((clause): clause is string => clause !== undefined);
    const filter = clauses.length > 0 ? `&$filter=${encodeURIComponent(clauses.join(' and '))}` : '';
    const url = `${this.root}${base}?api-version=${RESOURCES_API_VERSION}${filter}`;
    const items = await followPages<ArmGenericResource>(this.pipeline, url, 'nextLink', { signal: options?.signal });
    return items.map((item) => this.toResource(item));
  }

  private toResource(item: ArmGenericResource): AzureResource {
    return {
      id: item.id,
      name: item.name ?? resourceNameFromId(item.id),
      type: item.type ?? '',
      resourceGroup: resourceGroupFromId(item.id) ?? '',
      subscriptionId: parseScope(item.id)?.subscriptionId ?? this.subscriptionId,
      location: item.location ?? '',
    };
  }
}

function toRoleAssignment(item: ArmRoleAssignment): RoleAssignment {
  return {
    id: item.id,
    name: item.name,
    scope: item.properties.scope,
    roleDefinitionId: item.properties.roleDefinitionId,
    principalId: item.properties.principalId,
    principalType: item.properties.principalType ?? 'User',
  };
}

function toRoleDefinition(item: ArmRoleDefinition): RoleDefinition {
  return {
    id: item.id,
    name: item.name,
    roleName: item.properties.roleName ?? item.name,
    description: item.properties.description ?? '',
    type: item.properties.type ?? 'CustomRole',
    assignableScopes: item.properties.assignableScopes ?? [],
    permissions: (item.properties.permissions ?? []).map((block) => ({
      actions: block.actions ?? [],
      notActions: block.notActions ?? [],
      dataActions: block.dataActions ?? [],
      notDataActions: block.notDataActions ?? [],
    })),
  };
}
