// Azure role-based access control as ARM applies it before a request reaches a resource provider:
// built-in role definitions (actions lists reduced to the providers this fake serves) and the check.
import type { Caller, FakeResponse, FakeState, RolePermission } from './types';

export interface RoleDefinition {
  id: string;
  actions: string[];
  notActions: string[];
  /** Data-plane actions (blobs, secrets...); none when absent. */
  dataActions?: string[];
  notDataActions?: string[];
  description?: string;
}

/** A built-in or custom role as Microsoft.Authorization/roleDefinitions describes it. */
export interface NamedRoleDefinition {
  /** The GUID. */
  id: string;
  roleName: string;
  type: 'BuiltInRole' | 'CustomRole';
  description: string;
  assignableScopes: string[];
  permissions: RolePermission[];
}

// From the built-in roles reference (learn.microsoft.com/azure/role-based-access-control/built-in-roles);
// actions of providers this fake does not serve (networking, storage, support...) are left out.
/** Actions the narrow built-in roles share: reading authorization, resource groups, deployments and support. */
const managementActions = [
  'Microsoft.Authorization/*/read',
  'Microsoft.Insights/alertRules/*',
  'Microsoft.Resources/subscriptions/resourceGroups/read',
  'Microsoft.Resources/deployments/*',
  'Microsoft.Support/*',
];

export const builtInRoles: Record<string, RoleDefinition> = {
  Owner: { id: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635', actions: ['*'], notActions: [] },
  Contributor: {
    id: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
    actions: ['*'],
    notActions: [
      'Microsoft.Authorization/*/Delete',
      'Microsoft.Authorization/*/Write',
      'Microsoft.Authorization/elevateAccess/Action',
      'Microsoft.Blueprint/blueprintAssignments/write',
      'Microsoft.Blueprint/blueprintAssignments/delete',
      'Microsoft.Compute/galleries/share/action',
      'Microsoft.Purview/consents/write',
      'Microsoft.Purview/consents/delete',
      'Microsoft.Resources/deploymentStacks/manageDenySetting/action',
      'Microsoft.Subscription/cancel/action',
      'Microsoft.Subscription/enable/action',
    ],
  },
  Reader: { id: 'acdd72a7-3385-48ef-bd42-f606fba81ae7', actions: ['*/read'], notActions: [] },
  'Virtual Machine Contributor': {
    id: '9980e02c-c2be-4d73-94e8-173b1dc7cf3c',
    actions: [
      'Microsoft.Authorization/*/read',
      'Microsoft.Compute/availabilitySets/*',
      'Microsoft.Compute/locations/*',
      'Microsoft.Compute/virtualMachines/*',
      'Microsoft.Compute/virtualMachineScaleSets/*',
      'Microsoft.Compute/cloudServices/*',
      'Microsoft.Compute/disks/write',
      'Microsoft.Compute/disks/read',
      'Microsoft.Compute/disks/delete',
      'Microsoft.Insights/alertRules/*',
      // Its networking actions: enough to create a VM whose NIC joins an existing subnet, not to change networks.
      'Microsoft.Network/locations/*',
      'Microsoft.Network/networkInterfaces/*',
      'Microsoft.Network/networkSecurityGroups/join/action',
      'Microsoft.Network/networkSecurityGroups/read',
      'Microsoft.Network/publicIPAddresses/join/action',
      'Microsoft.Network/publicIPAddresses/read',
      'Microsoft.Network/virtualNetworks/read',
      'Microsoft.Network/virtualNetworks/subnets/join/action',
      'Microsoft.ResourceHealth/availabilityStatuses/read',
      'Microsoft.Resources/deployments/*',
      'Microsoft.Resources/subscriptions/resourceGroups/read',
      'Microsoft.Support/*',
    ],
    notActions: [],
  },
  'Network Contributor': {
    id: '4d97b98b-1d4f-4787-a291-c67834d212e7',
    actions: ['Microsoft.Network/*', 'Microsoft.ResourceHealth/availabilityStatuses/read', ...managementActions],
    notActions: [],
  },
  'Managed Identity Operator': {
    id: 'f1a07417-d97a-45cb-824c-7a7467783830',
    actions: [
      'Microsoft.ManagedIdentity/userAssignedIdentities/*/read',
      'Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action',
      ...managementActions,
    ],
    notActions: [],
  },
  'Managed Identity Contributor': {
    id: 'e40ec5ca-96e0-45a2-b4ff-59039f2c2b59',
    actions: [
      'Microsoft.ManagedIdentity/userAssignedIdentities/read',
      'Microsoft.ManagedIdentity/userAssignedIdentities/write',
      'Microsoft.ManagedIdentity/userAssignedIdentities/delete',
      'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/read',
      'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write',
      'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/delete',
      'Microsoft.ManagedIdentity/userAssignedIdentities/revokeTokens/action',
      ...managementActions,
    ],
    notActions: [],
  },
};

// Roles the brief of issue 9 adds, with their real GUIDs (azure-wire-facts.md section 8) and actions and dataActions
// from the built-in roles reference; Key Vault data roles work only on vaults with the RBAC permission model.
Object.assign(builtInRoles, {
  'User Access Administrator': {
    id: '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
    description: 'Lets you manage user access to Azure resources.',
    actions: ['*/read', 'Microsoft.Authorization/*', 'Microsoft.Support/*'],
    notActions: [],
  },
  'Role Based Access Control Administrator': {
    id: 'f58310d9-a9f6-439a-9e8d-f62e7b41a168',
    description: 'Manage access to Azure resources by assigning roles using Azure RBAC. This role does not allow you to manage access using other ways, such as Azure Policy.',
    actions: ['Microsoft.Authorization/roleAssignments/write', 'Microsoft.Authorization/roleAssignments/delete', '*/read', 'Microsoft.Support/*'],
    notActions: [],
  },
  'Storage Blob Data Reader': {
    id: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
    description: 'Allows for read access to Azure Storage blob containers and data',
    actions: ['Microsoft.Storage/storageAccounts/blobServices/containers/read', 'Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action'],
    notActions: [],
    dataActions: ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'],
  },
  'Storage Blob Data Contributor': {
    id: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
    description: 'Allows for read, write and delete access to Azure Storage blob containers and data',
    actions: [
      'Microsoft.Storage/storageAccounts/blobServices/containers/delete',
      'Microsoft.Storage/storageAccounts/blobServices/containers/read',
      'Microsoft.Storage/storageAccounts/blobServices/containers/write',
      'Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action',
    ],
    notActions: [],
    dataActions: [
      'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete',
      'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read',
      'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write',
      'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/move/action',
      'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action',
    ],
  },
  'Key Vault Secrets User': {
    id: '4633458b-17de-408a-b874-0445c86b69e6',
    description: "Read secret contents. Only works for key vaults that use the 'Azure role-based access control' permission model.",
    actions: [],
    notActions: [],
    dataActions: ['Microsoft.KeyVault/vaults/secrets/getSecret/action', 'Microsoft.KeyVault/vaults/secrets/readMetadata/action'],
  },
  'Key Vault Reader': {
    id: '21090545-7ca7-4776-b22c-e363652d74d2',
    description: "Read metadata of key vaults and its certificates, keys, and secrets. Cannot read sensitive values such as secret contents or key material. Only works for key vaults that use the 'Azure role-based access control' permission model.",
    actions: [
      ...managementActions,
      'Microsoft.KeyVault/checkNameAvailability/read',
      'Microsoft.KeyVault/deletedVaults/read',
      'Microsoft.KeyVault/locations/*/read',
      'Microsoft.KeyVault/vaults/*/read',
      'Microsoft.KeyVault/operations/read',
    ],
    notActions: [],
    dataActions: ['Microsoft.KeyVault/vaults/*/read', 'Microsoft.KeyVault/vaults/secrets/readMetadata/action'],
  },
  AcrPull: {
    id: '7f951dda-4ed3-4680-a7ca-43fe172d538d',
    description: 'acr pull',
    actions: ['Microsoft.ContainerRegistry/registries/pull/read'],
    notActions: [],
  },
  'Azure Service Bus Data Receiver': {
    id: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0',
    description: 'Allows for receive access to Azure Service Bus resources.',
    actions: ['Microsoft.ServiceBus/*/queues/read', 'Microsoft.ServiceBus/*/topics/read', 'Microsoft.ServiceBus/*/topics/subscriptions/read'],
    notActions: [],
    dataActions: ['Microsoft.ServiceBus/*/receive/action'],
  },
  'Monitoring Metrics Publisher': {
    id: '3913510d-42f4-4e42-8a64-420c390055eb',
    description: 'Enables publishing metrics against Azure resources',
    actions: ['Microsoft.Insights/Register/Action', 'Microsoft.Support/*', 'Microsoft.Resources/subscriptions/resourceGroups/read'],
    notActions: [],
    dataActions: ['Microsoft.Insights/Metrics/Write', 'Microsoft.Insights/Telemetry/Write'],
  },
} satisfies Record<string, RoleDefinition>);

const builtInDescriptions: Record<string, string> = {
  Owner: 'Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.',
  Contributor: 'Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC, manage assignments in Azure Blueprints, or share image galleries.',
  Reader: 'View all resources, but does not allow you to make any changes.',
  'Virtual Machine Contributor': 'Create and manage virtual machines, manage disks and disk snapshots, install and run software, reset password of the root user of the virtual machine using VM extensions, and connect to Linux virtual machine using VM extensions. This role does not grant you management access to the virtual network or storage account the virtual machines are connected to. This role does not allow you to assign roles in Azure RBAC.',
  'Network Contributor': 'Lets you manage networks, but not access to them.',
  'Managed Identity Operator': 'Read and Assign User Assigned Identity',
  'Managed Identity Contributor': 'Create, Read, Update, and Delete User Assigned Identity',
};

/** Every role the state knows: the built-in ones (assignable everywhere) and the seed's custom roles. */
export function allRoleDefinitions(state?: FakeState): NamedRoleDefinition[] {
  const builtIn = Object.entries(builtInRoles).map(([roleName, role]): NamedRoleDefinition => ({
    id: role.id,
    roleName,
    type: 'BuiltInRole',
    description: role.description ?? builtInDescriptions[roleName] ?? '',
    assignableScopes: ['/'],
    permissions: [{ actions: [...role.actions], notActions: [...role.notActions], dataActions: [...(role.dataActions ?? [])], notDataActions: [...(role.notDataActions ?? [])] }],
  }));
  const custom = (state?.customRoles ?? []).map((role): NamedRoleDefinition => ({
    id: role.id,
    roleName: role.roleName,
    type: 'CustomRole',
    description: role.description ?? '',
    assignableScopes: [...role.assignableScopes],
    permissions: structuredClone(role.permissions),
  }));
  return [...builtIn, ...custom];
}

/** A role by name (what role assignments in the state name), built-in or custom. */
export function roleByName(name: string, state?: FakeState): NamedRoleDefinition {
  const role = allRoleDefinitions(state).find((r) => r.roleName.toLowerCase() === name.toLowerCase());
  if (!role) throw new Error(`Unknown role '${name}': the fake knows ${allRoleDefinitions(state).map((r) => r.roleName).join(', ')}.`);
  return role;
}


/** A star stands for any text; a star between slashes may also match a single slash (Managed Identity Operator has "userAssignedIdentities/STAR/read"). */
function actionPattern(pattern: string): RegExp {
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('\u0000');
  const source = escaped.replace(/\/\u0000\//g, '/(?:.*/)?').replace(/\u0000/g, '.*');
  return new RegExp(`^${source}$`, 'i');
}

export function actionMatches(pattern: string, action: string): boolean {
  return actionPattern(pattern).test(action);
}

/** Whether `outer` equals `inner` or is one of its ancestors, segment by segment, ignoring case. */
export function scopeContains(outer: string, inner: string): boolean {
  const o = trimmedScope(outer);
  const i = trimmedScope(inner);
  return o === '' || i === o || i.startsWith(`${o}/`);
}

/** A scope without trailing slashes, in lower case (the regular expression only when there is one: lists check every
 *  subscription against every assignment). */
function trimmedScope(scope: string): string {
  return (scope.endsWith('/') ? scope.replace(/\/+$/, '') : scope).toLowerCase();
}

/** The role assignments of the caller that apply at `scope` (assigned there or above). */
export function assignmentsAt(state: FakeState, principalId: string, scope: string) {
  return state.roleAssignments.filter((ra) => ra.principalId.toLowerCase() === principalId.toLowerCase() && scopeContains(ra.scope, scope));
}

/** Whether one permission block grants the action: an `actions` entry matches and no `notActions` entry of the same
 *  block does (NotActions subtract; they are not a deny). With `data`, the same over dataActions/notDataActions. */
export function permissionGrants(block: RolePermission, action: string, data = false): boolean {
  const [granted, subtracted] = data ? [block.dataActions, block.notDataActions] : [block.actions, block.notActions];
  return granted.some((a) => actionMatches(a, action)) && !subtracted.some((a) => actionMatches(a, action));
}

export function isAllowed(state: FakeState, principalId: string, action: string, scope: string): boolean {
  return permissionsAt(state, principalId, scope).some((block) => permissionGrants(block, action));
}

/** The same for a data action (reading a blob, getting a secret). */
export function isDataActionAllowed(state: FakeState, principalId: string, dataAction: string, scope: string): boolean {
  return permissionsAt(state, principalId, scope).some((block) => permissionGrants(block, dataAction, true));
}

/** Whether the caller has any role assignment at the scope, above it, or below it (what lists filter by). */
export function hasAnyAccessWithin(state: FakeState, principalId: string, scope: string): boolean {
  return state.roleAssignments.some(
    (ra) => ra.principalId.toLowerCase() === principalId.toLowerCase() && (scopeContains(ra.scope, scope) || scopeContains(scope, ra.scope)),
  );
}

export function authorizationFailed(caller: Caller, action: string, scope: string): FakeResponse {
  return {
    status: 403,
    body: {
      error: {
        code: 'AuthorizationFailed',
        message: `The client '${caller.displayName}' with object id '${caller.oid}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
      },
    },
  };
}

export function linkedAuthorizationFailed(caller: Caller, action: string, scope: string, linkedAction: string, linkedScopes: string[]): FakeResponse {
  return {
    status: 403,
    body: {
      error: {
        code: 'LinkedAuthorizationFailed',
        message: `The client '${caller.displayName}' with object id '${caller.oid}' has permission to perform action '${action}' on scope '${scope}'; however, it does not have permission to perform action(s) '${linkedAction}' on the linked scope(s) '${linkedScopes.join(',')}' (respectively) or the linked scope(s) are invalid.`,
      },
    },
  };
}

/** What GET {scope}/providers/Microsoft.Authorization/permissions lists: the permission blocks of each role
 *  assignment in effect (one per assignment for the roles here, which have one block each). */
export function permissionsAt(state: FakeState, principalId: string, scope: string): RolePermission[] {
  return assignmentsAt(state, principalId, scope).flatMap((ra) => structuredClone(roleByName(ra.roleDefinitionName, state).permissions));
}
