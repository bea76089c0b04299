// Grant and revoke as scripts: the same principal, role definition and scope the access operations send
// (accessOperations.ts grantAccess / revokeAccess), so the script acts on the same resources.
import { principalIdOf, subscriptionOf, type AccessPrincipal } from '../accessOperations';
import type { RoleAssignment, RoleDefinition } from '../roles';
import { parseScope } from '../scopes';
import type { ScriptOperation } from './scriptOperation';

/** Granting `role` on `scope` to the principal, as grantAccess sends it. */
export function grantRoleScript(principal: AccessPrincipal, scope: string, role: Pick<RoleDefinition, 'id' | 'roleName'>): ScriptOperation {
  return {
    kind: 'grantRole',
    subscriptionId: subscriptionWrittenThrough(scope, principal),
    assignment: { principalId: principalIdOf(principal), roleDefinitionId: role.id, roleName: role.roleName, scope },
    principalDescription: describePrincipal(principal),
  };
}

/** Revoking one assignment at its own scope, as revokeAccess deletes it. */
export function revokeRoleScript(principal: AccessPrincipal, assignment: RoleAssignment, roleName: string): ScriptOperation {
  return {
    kind: 'revokeRole',
    subscriptionId: subscriptionWrittenThrough(assignment.scope, principal),
    assignment: { principalId: assignment.principalId, roleDefinitionId: assignment.roleDefinitionId, roleName, scope: assignment.scope },
    principalDescription: describePrincipal(principal),
  };
}

/** The access operations write through the scope's subscription; a scope above any subscription has none. */
function subscriptionWrittenThrough(scope: string, principal: AccessPrincipal): string {
  return parseScope(scope)?.subscriptionId ?? subscriptionOf(principal);
}

/** Who holds the role, for the script's first comment (English, as the scripts' comments are). */
function describePrincipal(principal: AccessPrincipal): string {
  return principal.kind === 'systemAssigned'
    ? `the system-assigned identity of '${principal.host.name}'`
    : `the user-assigned identity '${principal.identity.name}'`;
}
