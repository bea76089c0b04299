// Resource ids: how ARM ids are built and parsed, and the one key under which ids and names compare.
// ARM ids and names are case-insensitive (Azure CLI lowercases them, ARM answers `resourcegroups`), so every
// comparison goes through resourceKey, while every id we send keeps the casing we were given or that ARM stored.

const USER_ASSIGNED_IDENTITY_TYPE = 'Microsoft.ManagedIdentity/userAssignedIdentities';
const VIRTUAL_MACHINE_TYPE = 'Microsoft.Compute/virtualMachines';

/** The one case-insensitive key for an ARM resource id or name (lower case, no trailing slash): use it for maps,
 *  sets and every comparison of ids or names. */
export function resourceKey(idOrName: string): string {
  return trimTrailingSlashes(idOrName).toLowerCase();
}

/** ARM resource ids (and names) compare without regard to case. */
export function sameResourceId(a: string, b: string): boolean {
  return resourceKey(a) === resourceKey(b);
}

/** Texts ARM spells in more than one way compare without spaces or case: regions ('East US', 'eastus') and identity
 *  types ('SystemAssigned, UserAssigned', 'systemassigned,userassigned'). */
export function sameIgnoringSpacesAndCase(a: string, b: string): boolean {
  return sameResourceId(a.replace(/\s+/g, ''), b.replace(/\s+/g, ''));
}

/** The parts of an ARM resource id `/subscriptions/{s}/resourceGroups/{rg}/providers/{ns}/{type}/{name}`. */
export interface ResourceIdParts {
  subscriptionId: string;
  resourceGroup: string;
  /** `{namespace}/{type}`, e.g. Microsoft.Compute/virtualMachines, in the id's casing. */
  resourceType: string;
  name: string;
}

/** Parses a top-level resource id; undefined when the text is not one. */
export function parseResourceId(id: string): ResourceIdParts | undefined {
  const match = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/([^/]+)\/([^/]+)\/([^/]+)\/?$/i.exec(
    id.trim(),
  );
  if (!match) {
    return undefined;
  }
  const [, subscriptionId, resourceGroup, namespace, type, name] = match;
  return { subscriptionId, resourceGroup, resourceType: `${namespace}/${type}`, name };
}

/** Parses a user-assigned identity's resource id; undefined when it is anything else. */
export function parseUserAssignedIdentityId(id: string): ResourceIdParts | undefined {
  const parts = parseResourceId(id);
  return parts && sameResourceId(parts.resourceType, USER_ASSIGNED_IDENTITY_TYPE) ? parts : undefined;
}

/** Parses a VM's resource id; undefined when it is anything else. */
export function parseVirtualMachineId(id: string): ResourceIdParts | undefined {
  const parts = parseResourceId(id);
  return parts && sameResourceId(parts.resourceType, VIRTUAL_MACHINE_TYPE) ? parts : undefined;
}

export function userAssignedIdentityId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${USER_ASSIGNED_IDENTITY_TYPE}/${name}`;
}

export function virtualMachineId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${VIRTUAL_MACHINE_TYPE}/${name}`;
}

/** The last segment of an id (the resource's name), or the text itself when it has no slash. */
export function resourceNameFromId(id: string): string {
  const segments = trimTrailingSlashes(id).split('/');
  return segments[segments.length - 1] || id;
}

/** The resource group named in an id, or undefined. */
export function resourceGroupFromId(id: string): string | undefined {
  return /\/resourceGroups\/([^/]+)/i.exec(id)?.[1];
}

/** The subscription named in an id, or undefined. */
export function subscriptionIdFromId(id: string): string | undefined {
  return /^\/subscriptions\/([^/]+)/i.exec(id)?.[1];
}

export function trimTrailingSlashes(text: string): string {
  return text.replace(/\/+$/, '');
}
