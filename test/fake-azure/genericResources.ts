// ARM's generic resource routes (Microsoft.Resources, api-version 2021-04-01): every resource of a subscription or a
// resource group in one list, with $filter, and GET by id of the seed's generic resources (storage accounts, key
// vaults, container registries) that exist here only to be scopes of role assignments.
import type { FakeRequest, FakeResponse, FakeState, StateGenericResource } from './types';
import { armError, findResourceGroup, page, resourceGroupNotFound, type ArmContext, type Route } from './arm';
import { authorizationFailed, hasAnyAccessWithin, isAllowed } from './rbac';
import { hasSystemAssigned, hasUserAssigned, sameId } from './state';

/** A resource as ARM's generic list shows it (GenericResourceExpanded without `properties`). */
export interface ListedResource {
  id: string;
  name: string;
  type: string;
  location: string;
  tags: Record<string, string>;
  kind?: string;
  sku?: { name: string; tier?: string };
  identity?: Record<string, unknown>;
}

/**
 * Where the generic list finds resources: one function per kind of resource the fake models. A new kind (scale sets)
 * adds its own function here, so that it appears in `/resources` lists and can be the scope of a role assignment.
 */
export const resourceSources: ((state: FakeState) => ListedResource[])[] = [
  (state) => state.virtualMachines.map((vm) => ({
    id: vm.id,
    name: vm.name,
    type: 'Microsoft.Compute/virtualMachines',
    location: vm.location,
    tags: { ...vm.tags },
    ...listedIdentity(vm.identity),
  })),
  (state) => (state.virtualMachineScaleSets ?? []).map((scaleSet) => ({
    id: scaleSet.id,
    name: scaleSet.name,
    type: 'Microsoft.Compute/virtualMachineScaleSets',
    location: scaleSet.location,
    tags: { ...scaleSet.tags },
    sku: { name: scaleSet.sku.name, tier: scaleSet.sku.tier },
    ...listedIdentity(scaleSet.identity),
  })),
  (state) => state.userAssignedIdentities.map((u) => ({
    id: u.id, name: u.name, type: 'Microsoft.ManagedIdentity/userAssignedIdentities', location: u.location, tags: { ...u.tags },
  })),
  (state) => (state.virtualNetworks ?? []).map((n) => ({ id: n.id, name: n.name, type: 'Microsoft.Network/virtualNetworks', location: n.location, tags: {} })),
  (state) => (state.genericResources ?? []).map((r) => ({
    id: r.id, name: r.name, type: r.type, location: r.location, tags: { ...r.tags },
    ...(r.kind ? { kind: r.kind } : {}), ...(r.sku ? { sku: { ...r.sku } } : {}),
  })),
];

/** The `identity` of a VM or scale set in a generic list: absent for None, and only the parts its type has. */
function listedIdentity(identity: FakeState['virtualMachines'][number]['identity']): Pick<ListedResource, 'identity'> {
  if (identity.type === 'None') return {};
  return {
    identity: {
      type: identity.type,
      ...(hasSystemAssigned(identity.type) ? { principalId: identity.principalId, tenantId: identity.tenantId } : {}),
      ...(hasUserAssigned(identity.type) ? { userAssignedIdentities: structuredClone(identity.userAssignedIdentities) } : {}),
    },
  };
}

export function allResources(state: FakeState): ListedResource[] {
  return resourceSources.flatMap((source) => source(state));
}

export function findResource(state: FakeState, id: string): ListedResource | undefined {
  return allResources(state).find((r) => sameId(r.id, id.replace(/\/+$/, '')));
}

function resourceGroupOf(id: string): string {
  return /\/resourceGroups\/([^/]+)/i.exec(id)?.[1] ?? '';
}

// ---------- $filter ----------

type Predicate = (r: ListedResource) => boolean;

/** The `$filter` forms ARM documents for resource lists that make sense here: `resourceType|name|location|resourceGroup
 *  eq|ne '...'` and `substringof('...', name|resourceGroup)`, joined by `and`/`or` (and binding tighter), with parentheses. */
export function parseResourceFilter(text: string): Predicate | { error: string } {
  const tokens = text.match(/'(?:[^']|'')*'|\(|\)|,|[^\s(),']+/g) ?? [];
  let at = 0;
  const peek = () => tokens[at];
  const take = () => tokens[at++];
  const literal = (): string => {
    const token = take();
    if (!token || !token.startsWith("'")) throw new Error(`a quoted value was expected, not '${token ?? 'the end'}'`);
    return token.slice(1, -1).replace(/''/g, "'");
  };
  const property = (name: string | undefined): ((r: ListedResource) => string) => {
    switch (name?.toLowerCase()) {
      case 'resourcetype': return (r) => r.type;
      case 'name': return (r) => r.name;
      case 'location': return (r) => r.location;
      case 'resourcegroup': return (r) => resourceGroupOf(r.id);
      default: throw new Error(`the property '${name ?? ''}' cannot be filtered on here (resourceType, name, location, resourceGroup)`);
    }
  };
  const factor = (): Predicate => {
    const token = take();
    if (token === '(') {
      const inner = expression();
      if (take() !== ')') throw new Error("a ')' is missing");
      return inner;
    }
    if (token?.toLowerCase() === 'substringof') {
      if (take() !== '(') throw new Error("substringof needs '('");
      const value = literal().toLowerCase();
      if (take() !== ',') throw new Error("substringof needs two arguments");
      const propName = take();
      if (!['name', 'resourcegroup'].includes(propName?.toLowerCase() ?? '')) throw new Error('substringof works on name and resourceGroup only');
      const get = property(propName);
      if (take() !== ')') throw new Error("a ')' is missing after substringof");
      return (r) => get(r).toLowerCase().includes(value);
    }
    const get = property(token);
    const operator = take()?.toLowerCase();
    if (operator !== 'eq' && operator !== 'ne') throw new Error(`'eq' or 'ne' was expected after '${token}'`);
    const value = literal();
    return operator === 'eq' ? (r) => sameId(get(r), value) : (r) => !sameId(get(r), value);
  };
  const conjunction = (): Predicate => {
    let left = factor();
    while (peek()?.toLowerCase() === 'and') {
      take();
      const l = left, right = factor();
      left = (r) => l(r) && right(r);
    }
    return left;
  };
  const expression = (): Predicate => {
    let left = conjunction();
    while (peek()?.toLowerCase() === 'or') {
      take();
      const l = left, right = conjunction();
      left = (r) => l(r) || right(r);
    }
    return left;
  };
  try {
    const predicate = expression();
    if (at < tokens.length) throw new Error(`unexpected '${tokens[at]}'`);
    return predicate;
  } catch (e) {
    return { error: (e as Error).message };
  }
}

// ---------- Routes ----------

function listResources(req: FakeRequest, ctx: ArmContext, [subscriptionId, resourceGroup]: string[]): FakeResponse {
  const scope = resourceGroup ? `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}` : `/subscriptions/${subscriptionId}`;
  const listAction = resourceGroup ? 'Microsoft.Resources/subscriptions/resourceGroups/resources/read' : 'Microsoft.Resources/subscriptions/resources/read';
  if (!hasAnyAccessWithin(ctx.state, req.caller.oid, scope)) return authorizationFailed(req.caller, listAction, scope);
  if (resourceGroup && !findResourceGroup(ctx.state, subscriptionId!, resourceGroup)) return resourceGroupNotFound(resourceGroup);
  const filterText = req.query.get('$filter');
  const filter = filterText ? parseResourceFilter(filterText) : () => true;
  if (typeof filter !== 'function') {
    return armError(400, 'InvalidFilterInQueryString', `The filter '${filterText}' is not valid: ${filter.error}.`);
  }
  const scopePrefix = `${scope}/`.toLowerCase();
  // Like ARM, the list holds what the caller may read: each resource needs its type's read action.
  const items = allResources(ctx.state)
    .filter((r) => r.id.toLowerCase().startsWith(scopePrefix) && filter(r))
    .filter((r) => isAllowed(ctx.state, req.caller.oid, `${r.type}/read`, r.id));
  return page(req, ctx, items);
}

function genericBody(r: StateGenericResource) {
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    location: r.location,
    tags: { ...r.tags },
    ...(r.kind ? { kind: r.kind } : {}),
    ...(r.sku ? { sku: { ...r.sku } } : {}),
    properties: { provisioningState: 'Succeeded', ...structuredClone(r.properties ?? {}) },
  };
}

/** GET by id of a seeded generic resource, whatever api-version (2021-04-01 generic or the provider's own). */
function getGenericResource(req: FakeRequest, ctx: ArmContext, [subscriptionId, resourceGroup, namespace, type, name]: string[]): FakeResponse {
  const resourceType = `${namespace}/${type}`;
  const id = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${resourceType}/${name}`;
  const known = (ctx.state.genericResources ?? []).some((r) => sameId(r.type, resourceType));
  if (!known) {
    return armError(404, 'InvalidResourceType', `The resource type could not be found for the path '${req.path}' (this fake serves only what its README lists).`);
  }
  if (!isAllowed(ctx.state, req.caller.oid, `${resourceType}/read`, id)) return authorizationFailed(req.caller, `${resourceType}/read`, id);
  if (!findResourceGroup(ctx.state, subscriptionId!, resourceGroup!)) return resourceGroupNotFound(resourceGroup!);
  const found = (ctx.state.genericResources ?? []).find((r) => sameId(r.id, id));
  if (!found) {
    return armError(404, 'ResourceNotFound',
      `The Resource '${resourceType}/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
  }
  return { status: 200, body: genericBody(found) };
}

const sub = '/subscriptions/([^/]+)';
const rg = `${sub}/resourcegroups/([^/]+)`;

/** The list routes (anywhere in the table) and the GET by id, which matches any provider path and so goes last. */
export function genericResourceRoutes(): { lists: Route[]; byId: Route } {
  return {
    lists: [
      { pattern: new RegExp(`^${sub}/resources$`, 'i'), methods: { GET: listResources } },
      { pattern: new RegExp(`^${rg}/resources$`, 'i'), methods: { GET: listResources } },
    ],
    byId: { pattern: new RegExp(`^${rg}/providers/([^/]+)/([^/]+)/([^/]+)$`, 'i'), methods: { GET: getGenericResource } },
  };
}
