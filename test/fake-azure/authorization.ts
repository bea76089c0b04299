// Microsoft.Authorization role assignments and role definitions at any scope (azure-wire-facts.md section 8,
// api-version 2022-04-01). Assignments live in state.roleAssignments, the one store rbac.ts decides access from.
import type { FakeRequest, FakeResponse, FakeState, SeedRoleAssignment } from './types';
import { armError, authorizedItems, deny, findResourceGroup, isResponse, page, resourceGroupNotFound, type ArmContext, type Route } from './arm';
import { allRoleDefinitions, isAllowed, scopeContains, type NamedRoleDefinition } from './rbac';
import { findResource } from './genericResources';
import { groupsContaining } from './graph';
import { sameId, stableGuid } from './state';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const assignmentType = 'Microsoft.Authorization/roleAssignments';
const definitionType = 'Microsoft.Authorization/roleDefinitions';
const principalTypes = ['User', 'Group', 'ServicePrincipal', 'ForeignGroup', 'Device'];
/** What seeded assignments show as createdOn/updatedOn (they have no history). */
const seededTime = '2025-01-06T09:00:00.0000000Z';

// ---------- Scopes ----------

/** A scope as stored and answered: a leading slash, no trailing one, '' for the tenant root. */
function normalizeScope(raw: string): string {
  const trimmed = raw.replace(/\/+$/, '');
  return trimmed === '' ? '' : trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/**
 * The scope in the casing the state stores it (subscription, resource group or resource), or the answer when it
 * does not exist. The subscription itself was checked by the router.
 */
function resolveScope(state: FakeState, scope: string): { scope: string } | FakeResponse {
  if (scope === '') return { scope };
  const match = /^\/subscriptions\/([^/]+)(?:\/resourceGroups\/([^/]+)(\/providers\/.+)?)?$/i.exec(scope);
  if (!match) {
    return armError(400, 'InvalidScope', `The scope '${scope}' is not valid: this fake serves role assignments at '/subscriptions/{id}', a resource group or a resource.`);
  }
  const [, subscriptionId, resourceGroup, resourcePath] = match as unknown as [string, string, string | undefined, string | undefined];
  const subscription = state.subscriptions.find((s) => sameId(s.subscriptionId, subscriptionId));
  const subscriptionScope = `/subscriptions/${subscription?.subscriptionId ?? subscriptionId}`;
  if (!resourceGroup) return { scope: subscriptionScope };
  const group = findResourceGroup(state, subscriptionId, resourceGroup);
  if (!group) return resourceGroupNotFound(resourceGroup);
  const groupScope = `${subscriptionScope}/resourceGroups/${group.name}`;
  if (!resourcePath) return { scope: groupScope };
  // A resource, or something under one (a subnet, a blob container): the resource must exist.
  const parts = /^\/providers\/([^/]+)\/([^/]+)\/([^/]+)(\/.*)?$/i.exec(resourcePath);
  if (!parts) return armError(400, 'InvalidScope', `The scope '${scope}' is not valid.`);
  const [, namespace, type, name, below] = parts as unknown as [string, string, string, string, string | undefined];
  const resource = findResource(state, `${groupScope}/providers/${namespace}/${type}/${name}`);
  if (!resource) {
    return armError(404, 'ResourceNotFound',
      `The Resource '${namespace}/${type}/${name}' under resource group '${group.name}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
  }
  return { scope: `${resource.id}${below ?? ''}` };
}

function subscriptionOf(scope: string): string | undefined {
  return /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1];
}

function definitionId(roleGuid: string, subscriptionId: string | undefined): string {
  return `${subscriptionId ? `/subscriptions/${subscriptionId}` : ''}/providers/${definitionType}/${roleGuid}`;
}

/** Where a role may be assigned (and where role definition lists show it): built-in roles everywhere. */
function assignableAt(role: NamedRoleDefinition, scope: string): boolean {
  return role.assignableScopes.some((assignable) => assignable === '/' || scopeContains(assignable, scope));
}

// ---------- Directory look-ups ----------

function principalTypeOf(state: FakeState, principalId: string): string {
  const seeded = state.principals.find((p) => sameId(p.id, principalId));
  if (seeded) return seeded.kind;
  if (state.servicePrincipals.some((sp) => sameId(sp.id, principalId))) return 'ServicePrincipal';
  if (state.groups.some((g) => sameId(g.id, principalId))) return 'Group';
  return 'User';
}

/** Whether role assignments can see the principal yet: it exists and, if a request made it, replication has passed. */
function principalVisible(state: FakeState, principalId: string, replicationSeconds: number): boolean | 'unknown' {
  const servicePrincipal = state.servicePrincipals.find((sp) => sameId(sp.id, principalId));
  if (servicePrincipal) return servicePrincipal.createdAt === undefined || Date.now() - servicePrincipal.createdAt >= replicationSeconds * 1000;
  const known = state.principals.some((p) => sameId(p.id, principalId)) || state.groups.some((g) => sameId(g.id, principalId));
  return known ? true : 'unknown';
}

function compactGuid(guid: string): string {
  return guid.replace(/-/g, '').toLowerCase();
}

// ---------- Role assignments ----------

function assignmentName(ra: SeedRoleAssignment): string {
  return ra.name ?? stableGuid(`role-assignment:${ra.principalId}:${ra.roleDefinitionName}:${ra.scope}`.toLowerCase());
}

function assignmentBody(state: FakeState, ra: SeedRoleAssignment, listedUnder?: string) {
  const role = allRoleDefinitions(state).find((r) => sameId(r.roleName, ra.roleDefinitionName));
  const name = assignmentName(ra);
  const scope = normalizeScope(ra.scope);
  return {
    properties: {
      // Real answers carry the subscription-prefixed form, also for built-in roles (wire facts section 8).
      roleDefinitionId: definitionId(role?.id ?? ra.roleDefinitionName, subscriptionOf(scope) ?? (listedUnder ? subscriptionOf(listedUnder) : undefined)),
      principalId: ra.principalId,
      principalType: ra.principalType ?? principalTypeOf(state, ra.principalId),
      scope: scope === '' ? '/' : scope,
      condition: ra.condition ?? null,
      conditionVersion: ra.conditionVersion ?? null,
      createdOn: ra.createdOn ?? seededTime,
      updatedOn: ra.updatedOn ?? ra.createdOn ?? seededTime,
      createdBy: ra.createdBy ?? null,
      updatedBy: ra.updatedBy ?? null,
      delegatedManagedIdentityResourceId: null,
      description: ra.description ?? null,
    },
    id: `${scope}/providers/${assignmentType}/${name}`,
    type: assignmentType,
    name,
  };
}

/** 403 for a role-assignment write or delete, in the wording of the role-assignment troubleshooting guide. */
function assignmentWriteRefused(req: FakeRequest, action: string, assignmentId: string): FakeResponse {
  return armError(403, 'AuthorizationFailed',
    `The client '${req.caller.displayName}' with object id '${req.caller.oid}' does not have authorization or an ABAC condition not fulfilled to perform action '${action}' over scope '${assignmentId}' or the scope is invalid. If access was recently granted, please refresh your credentials.`);
}

interface AssignmentFilter {
  atScopeOnly: boolean;
  principalIds?: string[];
}

/** The `$filter` forms the service documents: atScope(), principalId eq '{id}', assignedTo('{id}'), and atScope() with assignedTo(). */
function parseAssignmentFilter(state: FakeState, text: string | null): AssignmentFilter | FakeResponse {
  if (!text || !text.trim()) return { atScopeOnly: false };
  const clauses = text.trim().split(/\s+and\s+/i);
  let atScope = false;
  let principal: { kind: 'principalId' | 'assignedTo'; id: string } | undefined;
  for (const clause of clauses) {
    let m: RegExpExecArray | null;
    if (/^atScope\(\s*\)$/i.test(clause) && !atScope) atScope = true;
    else if ((m = /^principalId\s+eq\s+'([^']+)'$/i.exec(clause)) && !principal) principal = { kind: 'principalId', id: m[1]! };
    else if ((m = /^assignedTo\(\s*'([^']+)'\s*\)$/i.exec(clause)) && !principal) principal = { kind: 'assignedTo', id: m[1]! };
    else return unsupportedFilter(text);
  }
  if (atScope && principal?.kind === 'principalId') return unsupportedFilter(text);
  if (!principal) return { atScopeOnly: atScope };
  const principalIds = principal.kind === 'principalId'
    ? [principal.id]
    // The principal and every group it belongs to, directly or through nested groups.
    : [principal.id, ...groupsContaining(state, principal.id, true).map((g) => g.id)];
  return { atScopeOnly: atScope, principalIds };
}

function unsupportedFilter(text: string): FakeResponse {
  return armError(400, 'UnsupportedQuery',
    `The filter '${text}' is not supported. Supported filters are: atScope(), principalId eq '{objectId}', assignedTo('{objectId}') and atScope() and assignedTo('{objectId}').`);
}

function listRoleAssignments(req: FakeRequest, ctx: ArmContext, [rawScope]: string[]): FakeResponse {
  const requested = normalizeScope(rawScope ?? '');
  const denied = deny(req, ctx, `${assignmentType}/read`, requested || '/');
  // A caller with a role only below the scope still lists what it may read (authorizedItems below).
  const resolved = resolveScope(ctx.state, requested);
  if (isResponse(resolved)) return denied ?? resolved;
  const { scope } = resolved;
  const filter = parseAssignmentFilter(ctx.state, req.query.get('$filter'));
  if (isResponse(filter)) return filter;
  const matching = ctx.state.roleAssignments.filter((ra) => {
    const above = scopeContains(ra.scope, scope);
    const below = scopeContains(scope, ra.scope);
    if (!(above || (below && !filter.atScopeOnly))) return false;
    return !filter.principalIds || filter.principalIds.some((id) => sameId(id, ra.principalId));
  });
  const items = authorizedItems(req, ctx, `${assignmentType}/read`, scope || '/', matching.map((ra) => assignmentBody(ctx.state, ra, scope)));
  return isResponse(items) ? items : page(req, ctx, items);
}

function findAssignment(state: FakeState, scope: string, name: string): SeedRoleAssignment | undefined {
  return state.roleAssignments.find((ra) => sameId(assignmentName(ra), name) && sameId(normalizeScope(ra.scope), scope));
}

function getRoleAssignment(req: FakeRequest, ctx: ArmContext, [rawScope, name]: string[]): FakeResponse {
  const requested = normalizeScope(rawScope ?? '');
  const denied = deny(req, ctx, `${assignmentType}/read`, requested || '/');
  if (denied) return denied;
  const resolved = resolveScope(ctx.state, requested);
  if (isResponse(resolved)) return resolved;
  const found = findAssignment(ctx.state, resolved.scope, name!);
  if (!found) return armError(404, 'RoleAssignmentNotFound', `The role assignment '${name}' is not found.`);
  return { status: 200, body: assignmentBody(ctx.state, found) };
}

function deleteRoleAssignment(req: FakeRequest, ctx: ArmContext, [rawScope, name]: string[]): FakeResponse {
  const requested = normalizeScope(rawScope ?? '');
  const action = `${assignmentType}/delete`;
  if (!isAllowed(ctx.state, req.caller.oid, action, requested || '/')) {
    return assignmentWriteRefused(req, action, `${requested}/providers/${assignmentType}/${name}`);
  }
  const resolved = resolveScope(ctx.state, requested);
  if (isResponse(resolved)) return resolved;
  const found = findAssignment(ctx.state, resolved.scope, name!);
  if (!found) return { status: 204 };
  const body = assignmentBody(ctx.state, found);
  ctx.state.roleAssignments = ctx.state.roleAssignments.filter((ra) => ra !== found);
  return { status: 200, body };
}

function invalidContent(detail: string): FakeResponse {
  return armError(400, 'InvalidRequestContent', `The request content was invalid and could not be deserialized: '${detail}'.`);
}

function putRoleAssignment(req: FakeRequest, ctx: ArmContext, [rawScope, name]: string[]): FakeResponse {
  const requested = normalizeScope(rawScope ?? '');
  const action = `${assignmentType}/write`;
  if (!isAllowed(ctx.state, req.caller.oid, action, requested || '/')) {
    return assignmentWriteRefused(req, action, `${requested}/providers/${assignmentType}/${name}`);
  }
  const resolved = resolveScope(ctx.state, requested);
  if (isResponse(resolved)) return resolved;
  const { scope } = resolved;
  if (!GUID.test(name!)) {
    return armError(400, 'InvalidRoleAssignmentId', `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`);
  }
  const properties = (req.body as { properties?: Record<string, unknown> } | undefined)?.properties;
  if (!properties || typeof properties !== 'object') return invalidContent("Required property 'properties' not found in JSON. Path ''");
  const { roleDefinitionId, principalId, principalType, description, condition, conditionVersion } = properties as Record<string, unknown>;
  if (typeof roleDefinitionId !== 'string') return invalidContent("Required property 'roleDefinitionId' not found in JSON. Path 'properties'");
  if (typeof principalId !== 'string') return invalidContent("Required property 'principalId' not found in JSON. Path 'properties'");
  if (principalType !== undefined && !principalTypes.includes(principalType as string)) {
    return invalidContent(`Error converting value "${String(principalType)}" to type 'PrincipalType'. Path 'properties.principalType'`);
  }
  const roleGuid = /(?:^|\/)roleDefinitions\/([^/]+)$/i.exec(roleDefinitionId)?.[1] ?? roleDefinitionId;
  const role = allRoleDefinitions(ctx.state).find((r) => sameId(r.id, roleGuid));
  if (!role || !assignableAt(role, scope)) {
    return armError(400, 'RoleDefinitionDoesNotExist', `The specified role definition with ID '${roleGuid}' does not exist.`);
  }
  const visible = principalVisible(ctx.state, principalId, ctx.principalReplicationSeconds ?? 0);
  // A young principal is not found even with principalType set (MicrosoftDocs/azure-docs#103085); an unknown one only
  // without it, since principalType makes ARM skip the directory look-up.
  if (visible === false || (visible === 'unknown' && principalType === undefined)) {
    const tenantId = ctx.state.subscriptions.find((s) => sameId(s.subscriptionId, subscriptionOf(scope) ?? ''))?.tenantId ?? req.caller.tid;
    return armError(400, 'PrincipalNotFound',
      `Principal ${compactGuid(principalId)} does not exist in the directory ${tenantId}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype`);
  }
  const sameName = ctx.state.roleAssignments.find((ra) => sameId(assignmentName(ra), name!));
  const now = new Date().toISOString();
  if (sameName) {
    const unchanged = sameId(sameName.principalId, principalId) && sameId(sameName.roleDefinitionName, role.roleName) && sameId(normalizeScope(sameName.scope), scope);
    if (!unchanged) {
      return armError(400, 'RoleAssignmentUpdateNotPermitted', 'Tenant ID, application ID, principal ID, and scope are not allowed to be updated.');
    }
    if (typeof description === 'string') sameName.description = description;
    sameName.updatedOn = now;
    sameName.updatedBy = req.caller.oid;
    return { status: 200, body: assignmentBody(ctx.state, sameName) };
  }
  const duplicate = ctx.state.roleAssignments.find((ra) =>
    sameId(ra.principalId, principalId) && sameId(ra.roleDefinitionName, role.roleName) && sameId(normalizeScope(ra.scope), scope));
  if (duplicate) {
    return armError(409, 'RoleAssignmentExists', `The role assignment already exists. The ID of the existing role assignment is ${compactGuid(assignmentName(duplicate))}.`);
  }
  const created: SeedRoleAssignment = {
    principalId,
    roleDefinitionName: role.roleName,
    scope: scope === '' ? '/' : scope,
    name: name!.toLowerCase(),
    principalType: typeof principalType === 'string' ? principalType : 'User',
    ...(typeof description === 'string' ? { description } : {}),
    ...(typeof condition === 'string' ? { condition } : {}),
    ...(typeof conditionVersion === 'string' ? { conditionVersion } : {}),
    createdOn: now,
    updatedOn: now,
    createdBy: req.caller.oid,
    updatedBy: req.caller.oid,
  };
  ctx.state.roleAssignments.push(created);
  return { status: 201, body: assignmentBody(ctx.state, created) };
}

// ---------- Role definitions ----------

function definitionBody(role: NamedRoleDefinition, scope: string) {
  return {
    properties: {
      roleName: role.roleName,
      type: role.type,
      description: role.description,
      assignableScopes: [...role.assignableScopes],
      permissions: structuredClone(role.permissions),
      createdOn: seededTime,
      updatedOn: seededTime,
      createdBy: null,
      updatedBy: null,
    },
    id: definitionId(role.id, subscriptionOf(scope)),
    type: definitionType,
    name: role.id,
  };
}

/** Roles applicable at the scope: built-in ones, and custom ones assignable there or above (or, with
 *  atScopeAndBelow, below). */
function rolesAt(state: FakeState, scope: string, andBelow = false): NamedRoleDefinition[] {
  return allRoleDefinitions(state).filter((role) =>
    scope === '' || assignableAt(role, scope) || (andBelow && role.assignableScopes.some((a) => scopeContains(scope, a))));
}

function parseDefinitionFilter(text: string | null): ((role: NamedRoleDefinition) => boolean) | { andBelow: true } | FakeResponse | undefined {
  if (!text || !text.trim()) return undefined;
  if (/^atScopeAndBelow\(\s*\)$/i.test(text.trim())) return { andBelow: true };
  const tests: ((role: NamedRoleDefinition) => boolean)[] = [];
  for (const clause of text.trim().split(/\s+and\s+/i)) {
    const m = /^(roleName|type)\s+eq\s+'((?:[^']|'')*)'$/i.exec(clause);
    if (!m) {
      return armError(400, 'UnsupportedQuery', `The filter '${text}' is not supported. Supported filters are: roleName eq '{name}', type eq 'BuiltInRole' or 'CustomRole', and atScopeAndBelow().`);
    }
    const value = m[2]!.replace(/''/g, "'");
    tests.push(m[1]!.toLowerCase() === 'rolename' ? (r) => sameId(r.roleName, value) : (r) => sameId(r.type, value));
  }
  return (role) => tests.every((t) => t(role));
}

function listRoleDefinitions(req: FakeRequest, ctx: ArmContext, [rawScope]: string[]): FakeResponse {
  const requested = normalizeScope(rawScope ?? '');
  const resolved = resolveScope(ctx.state, requested);
  if (isResponse(resolved)) return resolved;
  const filter = parseDefinitionFilter(req.query.get('$filter'));
  if (isResponse(filter)) return filter;
  const andBelow = typeof filter === 'object' && filter !== null && 'andBelow' in filter;
  const roles = rolesAt(ctx.state, resolved.scope, andBelow).filter((r) => typeof filter !== 'function' || filter(r));
  return page(req, ctx, roles.map((r) => definitionBody(r, resolved.scope)));
}

function getRoleDefinition(_req: FakeRequest, ctx: ArmContext, [rawScope, roleGuid]: string[]): FakeResponse {
  const requested = normalizeScope(rawScope ?? '');
  const resolved = resolveScope(ctx.state, requested);
  if (isResponse(resolved)) return resolved;
  const role = rolesAt(ctx.state, resolved.scope).find((r) => sameId(r.id, roleGuid!));
  if (!role) return armError(404, 'RoleDefinitionDoesNotExist', `The specified role definition with ID '${roleGuid}' does not exist.`);
  return { status: 200, body: definitionBody(role, resolved.scope) };
}

/** Role definitions are readable by anyone signed in to the tenant (every built-in role holds `.../read`); lists
 *  and GETs check only that the scope exists. */
export function authorizationRoutes(): Route[] {
  return [
    { pattern: /^(.*)\/providers\/Microsoft\.Authorization\/roleAssignments$/i, methods: { GET: listRoleAssignments } },
    {
      pattern: /^(.*)\/providers\/Microsoft\.Authorization\/roleAssignments\/([^/]+)$/i,
      methods: { GET: getRoleAssignment, PUT: putRoleAssignment, DELETE: deleteRoleAssignment },
    },
    { pattern: /^(.*)\/providers\/Microsoft\.Authorization\/roleDefinitions$/i, methods: { GET: listRoleDefinitions } },
    { pattern: /^(.*)\/providers\/Microsoft\.Authorization\/roleDefinitions\/([^/]+)$/i, methods: { GET: getRoleDefinition } },
  ];
}
