// Azure role-based access control as ARM applies it before a request reaches a resource provider:
// built-in role definitions (actions lists reduced to the providers this fake serves) and the check.
import type { Caller, FakeResponse, FakeState } from './types';

export interface RoleDefinition {
  id: string;
  actions: string[];
  notActions: string[];
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

export function roleDefinition(name: string): RoleDefinition {
  const role = builtInRoles[name];
  if (!role) throw new Error(`Unknown role '${name}': the fake knows ${Object.keys(builtInRoles).join(', ')}.`);
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
  const o = outer.replace(/\/+$/, '').toLowerCase();
  const i = inner.replace(/\/+$/, '').toLowerCase();
  return o === '' || i === o || i.startsWith(`${o}/`);
}

/** The role assignments of the caller that apply at `scope` (assigned there or above). */
export function assignmentsAt(state: FakeState, principalId: string, scope: string) {
  return state.roleAssignments.filter((ra) => ra.principalId.toLowerCase() === principalId.toLowerCase() && scopeContains(ra.scope, scope));
}

export function isAllowed(state: FakeState, principalId: string, action: string, scope: string): boolean {
  return assignmentsAt(state, principalId, scope).some((ra) => {
    const role = roleDefinition(ra.roleDefinitionName);
    return role.actions.some((a) => actionMatches(a, action)) && !role.notActions.some((a) => actionMatches(a, action));
  });
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

/** What GET {scope}/providers/Microsoft.Authorization/permissions lists: one entry per role assignment in effect. */
export function permissionsAt(state: FakeState, principalId: string, scope: string) {
  return assignmentsAt(state, principalId, scope).map((ra) => {
    const role = roleDefinition(ra.roleDefinitionName);
    return { actions: [...role.actions], notActions: [...role.notActions], dataActions: [], notDataActions: [] };
  });
}
