// The access writes commands start (issue 9), each through runWrite: granting a role, revoking an assignment, and
// deleting a user-assigned identity. The store forgets what they change, so the tree reads it again when shown.
import * as vscode from 'vscode';
import { principalIdOf, principalName, type AccessChangeResult, type AccessPrincipal } from '../identity/accessOperations';
import type { IdentityHostRef, UserAssignedIdentity } from '../identity/model';
import type { RoleAssignment, RoleDefinition } from '../identity/roles';
import { grantRoleScript, revokeRoleScript } from '../identity/scripts/roleScripts';
import { hostRef } from '../store/resourceStore';
import type { HostWriteServices } from './hostWrites';
import { runWrite } from './writePipeline';

const t = vscode.l10n.t;

/** How a progress title names the identity: a VM's system-assigned one by its VM. */
function identityTitle(services: HostWriteServices, principal: AccessPrincipal): string {
  return principal.kind === 'systemAssigned'
    ? t("the system-assigned identity of '{0}'", services.store.hostLabel(principal.host))
    : `'${principalName(principal, services.store.hostLabel)}'`;
}

export function runGrantAccess(
  services: HostWriteServices,
  host: IdentityHostRef,
  principal: AccessPrincipal,
  scope: string,
  role: Pick<RoleDefinition, 'id' | 'roleName'>,
): Promise<AccessChangeResult> {
  return runWrite(services, {
    title: t("Granting '{0}' to {1}...", role.roleName, identityTitle(services, principal)),
    target: { kind: 'host', host: hostRef(host) },
    details: `${role.roleName} on ${scope}`,
    run: (options) => services.operations.access.grantAccess(principal, scope, role, options),
    // "Already has the role": nothing was written, so there is no script of it.
    script: (result) => (result.status === 'changed' ? grantRoleScript(principal, scope, role) : undefined),
    applied: (result) => {
      services.store.forgetRoleAssignments(principalIdOf(principal));
      return { message: result.message, resourceId: result.assignment?.id ?? scope, followUps: [] };
    },
    failed: () => services.store.forgetRoleAssignments(principalIdOf(principal)),
  });
}

export function runRevokeAccess(
  services: HostWriteServices,
  host: IdentityHostRef,
  principal: AccessPrincipal,
  assignment: RoleAssignment,
  roleName: string,
): Promise<AccessChangeResult> {
  return runWrite(services, {
    title: t("Revoking '{0}' from {1}...", roleName, identityTitle(services, principal)),
    target: { kind: 'host', host: hostRef(host) },
    details: assignment.id,
    run: (options) => services.operations.access.revokeAccess(principal, assignment, roleName, options),
    script: (result) => (result.status === 'changed' ? revokeRoleScript(principal, assignment, roleName) : undefined),
    applied: (result) => {
      services.store.forgetRoleAssignments(principalIdOf(principal));
      return { message: result.message, resourceId: assignment.id, followUps: [] };
    },
    failed: () => services.store.forgetRoleAssignments(principalIdOf(principal)),
  });
}

export function runDeleteIdentity(services: HostWriteServices, identity: UserAssignedIdentity): Promise<AccessChangeResult> {
  return runWrite(services, {
    title: t("Deleting the user-assigned identity '{0}'...", identity.name),
    target: { kind: 'resource', name: identity.name, id: identity.id },
    run: (options) => services.operations.access.deleteUserAssignedIdentity(identity, options),
    applied: (result) => {
      // VMs keep their reference to it (Azure does not remove it); where it is used and its assignments are read again.
      services.store.forgetConsumers(identity.id);
      services.store.forgetRoleAssignments(identity.principalId);
      return { message: result.message, resourceId: identity.id, followUps: [] };
    },
  });
}
