// Azure RBAC scopes: parsing them, telling a person which one is meant ("storage account 'stcontoso' in resource
// group 'rg-data'", a subscription by its display name), and whether an assignment reaches a scope from above.
// Scope ids compare case-insensitively through resourceKey, like every other ARM id.
import { defaultLocalize, type Localize } from './localize';
import { resourceKey, trimTrailingSlashes } from './resourceIds';

export type ScopeKind = 'root' | 'managementGroup' | 'subscription' | 'resourceGroup' | 'resource';

/** A scope taken apart. Names keep the casing of the text they came from. */
export interface ParsedScope {
  kind: ScopeKind;
  /** The scope as ARM answers it: a leading slash, no trailing one ('/' for the root). */
  id: string;
  managementGroupId?: string;
  subscriptionId?: string;
  resourceGroup?: string;
  /** A resource's type, `{namespace}/{type}[/{childType}…]`, e.g. Microsoft.Storage/storageAccounts. */
  resourceType?: string;
  /** A resource's name; a child resource's is ARM's joined form, e.g. `stcontoso/default/images`. */
  name?: string;
}

const MANAGEMENT_GROUP = /^\/providers\/Microsoft\.Management\/managementGroups\/([^/]+)$/i;
const SUBSCRIPTION = /^\/subscriptions\/([^/]+)$/i;
const RESOURCE_GROUP = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)$/i;
// A resource, or a child of one: `{namespace}/{type}/{name}` followed by any number of `/{childType}/{childName}`.
const RESOURCE = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/([^/]+)\/((?:[^/]+\/[^/]+)(?:\/[^/]+\/[^/]+)*)$/i;

/**
 * Parses a scope as role assignments carry it (`/subscriptions/…`; ARM's examples also write it without the leading
 * slash) or a management group or the root `/`. Undefined for anything else, e.g. an extension resource's id.
 */
export function parseScope(scope: string): ParsedScope | undefined {
  const trimmed = trimTrailingSlashes(scope.trim());
  const id = trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
  if (id === '/') {
    return { kind: 'root', id };
  }
  const managementGroup = MANAGEMENT_GROUP.exec(id);
  if (managementGroup) {
    return { kind: 'managementGroup', id, managementGroupId: managementGroup[1] };
  }
  const subscription = SUBSCRIPTION.exec(id);
  if (subscription) {
    return { kind: 'subscription', id, subscriptionId: subscription[1] };
  }
  const resourceGroup = RESOURCE_GROUP.exec(id);
  if (resourceGroup) {
    return { kind: 'resourceGroup', id, subscriptionId: resourceGroup[1], resourceGroup: resourceGroup[2] };
  }
  const resource = RESOURCE.exec(id);
  if (resource && !/\/providers\//i.test(resource[4])) {
    const [, subscriptionId, group, namespace, path] = resource;
    const segments = path.split('/');
    const types = segments.filter((_, index) => index % 2 === 0);
    const names = segments.filter((_, index) => index % 2 === 1);
    return { kind: 'resource', id, subscriptionId, resourceGroup: group, resourceType: [namespace, ...types].join('/'), name: names.join('/') };
  }
  return undefined;
}

/** Whether `outer` is `inner` or one of its ancestors in the id path (the root contains everything). Management
 *  groups hold subscriptions without their ids saying so: see {@link assignmentScopeRelation}. */
export function scopeContains(outer: string, inner: string): boolean {
  const outerKey = scopeKey(outer);
  const innerKey = scopeKey(inner);
  return outerKey === '' || innerKey === outerKey || innerKey.startsWith(`${outerKey}/`);
}

/**
 * How an assignment's scope relates to the scope being viewed:
 * - 'here': assigned at that very scope (revoking it there removes it);
 * - 'inherited': assigned at a higher scope and applying here (revoking it changes the higher scope);
 * - 'below': assigned on something inside the viewed scope (ARM's unfiltered lists include those);
 * - 'unrelated': neither.
 * An assignment on a management group or the root applies to every subscription under it; ARM lists it for a scope
 * only when it applies there, so it counts as inherited for any subscription, resource group or resource.
 */
export function assignmentScopeRelation(assignmentScope: string, viewedScope: string): 'here' | 'inherited' | 'below' | 'unrelated' {
  if (scopeKey(assignmentScope) === scopeKey(viewedScope)) {
    return 'here';
  }
  if (scopeContains(assignmentScope, viewedScope)) {
    return 'inherited';
  }
  if (scopeContains(viewedScope, assignmentScope)) {
    return 'below';
  }
  const assigned = parseScope(assignmentScope)?.kind;
  const viewed = parseScope(viewedScope)?.kind;
  const aboveSubscriptions = assigned === 'managementGroup' || assigned === 'root';
  const inSubscription = viewed === 'subscription' || viewed === 'resourceGroup' || viewed === 'resource';
  return aboveSubscriptions && inSubscription ? 'inherited' : 'unrelated';
}

/** Whether an assignment reaches `viewedScope` from a higher scope. */
export function isInheritedAssignment(assignmentScope: string, viewedScope: string): boolean {
  return assignmentScopeRelation(assignmentScope, viewedScope) === 'inherited';
}

/** The one key under which scopes compare: resourceKey of the scope with its leading slash. */
export function scopeKey(scope: string): string {
  const trimmed = scope.trim();
  return resourceKey(trimmed.startsWith('/') ? trimmed : `/${trimmed}`);
}

/** Display names a message may use instead of ids; each returns undefined when it does not know the name. */
export interface ScopeNames {
  subscriptionName?(subscriptionId: string): string | undefined;
  managementGroupName?(managementGroupId: string): string | undefined;
}

/** How a person calls each resource type that is commonly a scope, keyed by resourceKey of the type. */
const RESOURCE_WORDING: Record<string, (name: string, resourceGroup: string, t: Localize) => string> = {
  'microsoft.storage/storageaccounts': (name, group, t) => t("storage account '{0}' in resource group '{1}'", name, group),
  'microsoft.keyvault/vaults': (name, group, t) => t("key vault '{0}' in resource group '{1}'", name, group),
  'microsoft.containerregistry/registries': (name, group, t) => t("container registry '{0}' in resource group '{1}'", name, group),
  'microsoft.compute/virtualmachines': (name, group, t) => t("virtual machine '{0}' in resource group '{1}'", name, group),
  'microsoft.compute/virtualmachinescalesets': (name, group, t) => t("virtual machine scale set '{0}' in resource group '{1}'", name, group),
  'microsoft.managedidentity/userassignedidentities': (name, group, t) => t("user-assigned identity '{0}' in resource group '{1}'", name, group),
  'microsoft.network/virtualnetworks': (name, group, t) => t("virtual network '{0}' in resource group '{1}'", name, group),
  'microsoft.servicebus/namespaces': (name, group, t) => t("Service Bus namespace '{0}' in resource group '{1}'", name, group),
  'microsoft.eventhub/namespaces': (name, group, t) => t("Event Hubs namespace '{0}' in resource group '{1}'", name, group),
  'microsoft.documentdb/databaseaccounts': (name, group, t) => t("Azure Cosmos DB account '{0}' in resource group '{1}'", name, group),
};

/**
 * A scope as a person reads it: "storage account 'stcontoso' in resource group 'rg-data'", "resource group 'rg-web'",
 * "subscription 'Contoso Dev'" (its id only when the display name is unknown), "management group 'Contoso'", or the
 * root. A resource type without its own wording is named by its provider type.
 */
export function describeScope(scope: string, names: ScopeNames = {}, t: Localize = defaultLocalize): string {
  const parsed = parseScope(scope);
  switch (parsed?.kind) {
    case 'root':
      return t('the root scope (/), above every management group and subscription');
    case 'managementGroup': {
      const id = parsed.managementGroupId!;
      return t("management group '{0}'", names.managementGroupName?.(id) ?? id);
    }
    case 'subscription':
      return describeSubscription(parsed.subscriptionId!, names, t);
    case 'resourceGroup':
      return t("resource group '{0}'", parsed.resourceGroup!);
    case 'resource': {
      const wording = RESOURCE_WORDING[resourceKey(parsed.resourceType!)];
      return wording
        ? wording(parsed.name!, parsed.resourceGroup!, t)
        : t("{0} '{1}' in resource group '{2}'", parsed.resourceType!, parsed.name!, parsed.resourceGroup!);
    }
    default:
      return `'${scope}'`;
  }
}

/** A subscription by its display name when known, else by its id. */
export function describeSubscription(subscriptionId: string, names: ScopeNames = {}, t: Localize = defaultLocalize): string {
  const displayName = names.subscriptionName?.(subscriptionId);
  return displayName ? t("subscription '{0}'", displayName) : t('subscription {0}', subscriptionId);
}
