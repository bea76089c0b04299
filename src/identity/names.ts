// Name rules and resource-id helpers: the one place that knows how ARM ids are built and parsed.
// ARM ids are case-insensitive (Azure CLI lowercases them, ARM answers `resourcegroups`), so every
// comparison here ignores case, while every id we send keeps the casing we were given or that ARM stored.

import { defaultLocalize, type Localize } from './localize';
import type { OsType } from './newVirtualMachine';

const USER_ASSIGNED_IDENTITY_TYPE = 'Microsoft.ManagedIdentity/userAssignedIdentities';
const VIRTUAL_MACHINE_TYPE = 'Microsoft.Compute/virtualMachines';

/**
 * Checks a user-assigned identity name against ARM's rules: 3 to 128 characters of letters, digits, hyphen and
 * underscore, starting with a letter or digit. Returns a message for a person, or undefined when the name is valid.
 */
export function validateUserAssignedIdentityName(name: string, t: Localize = defaultLocalize): string | undefined {
  if (name.length === 0) {
    return t('Enter a name for the user-assigned identity.');
  }
  if (name.length < 3 || name.length > 128) {
    return t("The name must be 3 to 128 characters long ('{0}' has {1}).", name, name.length);
  }
  if (!/^[A-Za-z0-9]/.test(name)) {
    return t('The name must start with a letter or a digit.');
  }
  const disallowed = disallowedCharacters(name, /[A-Za-z0-9_-]/g, t);
  if (disallowed) {
    return t('The name may contain only letters, digits, hyphens and underscores (not {0}).', disallowed);
  }
  return undefined;
}

/**
 * A VM name for ARM (1-64 letters, digits, hyphens, underscores, periods; no leading underscore, no trailing period
 * or hyphen) that also serves as the computer name: no underscore (and for Windows no period either), Windows at
 * most 15 characters and not only digits. Returns a message, or undefined when the name is valid.
 */
export function validateVirtualMachineName(name: string, osType: OsType | undefined, t: Localize = defaultLocalize): string | undefined {
  if (name.length === 0) {
    return t('Enter a name for the virtual machine.');
  }
  if (name.length > 64) {
    return t("The name must be 1 to 64 characters long ('{0}' has {1}).", name, name.length);
  }
  const disallowed = disallowedCharacters(name, /[A-Za-z0-9_.-]/g, t);
  if (disallowed) {
    return t('The name may contain only letters, digits, hyphens, underscores and periods (not {0}).', disallowed);
  }
  if (name.startsWith('_')) {
    return t('The name must not start with an underscore.');
  }
  if (/[.-]$/.test(name)) {
    return t('The name must not end with a period or a hyphen.');
  }
  if (name.includes('_')) {
    return t('The name is also the computer name, which may not contain an underscore.');
  }
  if (osType === 'Windows') {
    if (name.length > 15) {
      return t("A Windows computer name has at most 15 characters ('{0}' has {1}).", name, name.length);
    }
    if (name.includes('.')) {
      return t('A Windows computer name may not contain a period.');
    }
    if (/^\d+$/.test(name)) {
      return t('A Windows computer name may not consist only of digits.');
    }
  }
  return undefined;
}

/** The characters of `name` that `allowed` (a global character class) does not match, each once and as a person
 *  reads them ("space", "'/'"), or undefined when there are none. */
function disallowedCharacters(name: string, allowed: RegExp, t: Localize): string | undefined {
  const disallowed = [...new Set(name.replace(allowed, ''))];
  return disallowed.length > 0 ? disallowed.map((c) => (c === ' ' ? t('space') : `'${c}'`)).join(', ') : undefined;
}

/**
 * Identity and VM names are unique within a resource group (ARM compares them without regard to case), and creating
 * one with a taken name would overwrite it. `existingNamesInResourceGroup` are the names of that kind in `resourceGroup`.
 */
export function nameTakenProblem(
  kind: 'identity' | 'virtualMachine',
  name: string,
  resourceGroup: string,
  existingNamesInResourceGroup: readonly string[],
  t: Localize = defaultLocalize,
): string | undefined {
  const taken = existingNamesInResourceGroup.find((existing) => sameText(existing, name.trim()));
  if (taken === undefined) {
    return undefined;
  }
  return kind === 'identity'
    ? t("An identity named '{0}' already exists in resource group '{1}'. Choose another name.", taken, resourceGroup)
    : t("A virtual machine named '{0}' already exists in resource group '{1}'. Choose another name.", taken, resourceGroup);
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
  return parts && sameText(parts.resourceType, USER_ASSIGNED_IDENTITY_TYPE) ? parts : undefined;
}

/** Parses a VM's resource id; undefined when it is anything else. */
export function parseVirtualMachineId(id: string): ResourceIdParts | undefined {
  const parts = parseResourceId(id);
  return parts && sameText(parts.resourceType, VIRTUAL_MACHINE_TYPE) ? parts : undefined;
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

/** ARM resource ids compare without regard to case. */
export function sameResourceId(a: string, b: string): boolean {
  return sameText(trimTrailingSlashes(a), trimTrailingSlashes(b));
}

export function trimTrailingSlashes(text: string): string {
  return text.replace(/\/+$/, '');
}

/** Names for a message, each in single quotes: 'id-a', 'id-b'. */
export function quoteList(names: readonly string[]): string {
  return names.map((name) => `'${name}'`).join(', ');
}

/** A sorted copy, by the text `key` gives (locale order); the one sorting helper for names in lists. */
function sortByText<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...items].sort((a, b) => key(a).localeCompare(key(b)));
}

/** {@link sortByText} by `name`. */
export function sortByName<T extends { name: string }>(items: readonly T[]): T[] {
  return sortByText(items, (item) => item.name);
}

/** {@link sortByText} by `displayName` (subscriptions, groups). */
export function sortByDisplayName<T extends { displayName: string }>(items: readonly T[]): T[] {
  return sortByText(items, (item) => item.displayName);
}

/** Texts ARM spells in more than one way compare without spaces or case: regions ('East US', 'eastus') and identity
 *  types ('SystemAssigned, UserAssigned', 'systemassigned,userassigned'). */
export function sameIgnoringSpacesAndCase(a: string, b: string): boolean {
  return sameText(a.replace(/\s+/g, ''), b.replace(/\s+/g, ''));
}

function sameText(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
