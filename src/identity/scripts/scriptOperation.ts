// The writes a script can be given for: the same values the extension sends, so the script acts on the same
// resources. Pure data; no `vscode`, nothing from src/azure.
import type { HostKind, IdentityChange, IdentityHostRef } from '../model';
import type { CreateVirtualMachineRequest } from '../newVirtualMachine';
import type { CreateUserAssignedIdentityRequest } from '../operations';

/** Azure PowerShell (Az modules, Microsoft.Graph for groups) or Azure CLI in bash. */
export type ScriptShell = 'powershell' | 'azureCli';

/** Scale sets take identity changes the way VMs do; named here until the model's HostKind includes them. */
export type ScriptHostKind = HostKind | 'virtualMachineScaleSet';

export interface ScriptHostRef extends Omit<IdentityHostRef, 'kind'> {
  kind: ScriptHostKind;
}

/**
 * The change as changeIdentity takes it, except that "remove all" names the ids the user reviewed: the CLI removes
 * ids, and the PowerShell refuses, as the planner does, when the host's set differs from them.
 */
export type ScriptIdentityChange =
  | Exclude<IdentityChange, { kind: 'removeAllUserAssigned' }>
  | { kind: 'removeAllUserAssigned'; expectedIds: string[] };

/** A role assignment as the extension writes it: always to a managed identity's service principal. */
export interface ScriptRoleAssignment {
  /** Object id of the identity's service principal. */
  principalId: string;
  /** Full id: /subscriptions/{s}/providers/Microsoft.Authorization/roleDefinitions/{guid} (or without the subscription). */
  roleDefinitionId: string;
  /** e.g. Storage Blob Data Reader; for the script's comment. */
  roleName: string;
  /** Full id of the subscription, resource group or resource the role applies to. */
  scope: string;
}

export type ScriptOperation =
  | { kind: 'changeIdentity'; host: ScriptHostRef; change: ScriptIdentityChange }
  | { kind: 'createUserAssignedIdentity'; request: CreateUserAssignedIdentityRequest }
  | {
      kind: 'addToGroup' | 'removeFromGroup';
      /** The host whose system-assigned identity joins or leaves the group. */
      host: ScriptHostRef;
      /** That identity's service principal (object id), as the extension read it. */
      principalId: string;
      group: { id: string; displayName?: string };
      /** The directory the group lives in, so Connect-MgGraph signs in to the right tenant. */
      tenantId?: string;
    }
  | {
      kind: 'grantRole' | 'revokeRole';
      /** The subscription the extension wrote through (the scope's own, for any scope below a subscription). */
      subscriptionId: string;
      assignment: ScriptRoleAssignment;
      /** Who holds the role, for the comment, e.g. "the system-assigned identity of 'vm-web-01'". */
      principalDescription?: string;
    }
  /** The request's password, if any, is never written: the script asks for it when it runs. */
  | { kind: 'createVirtualMachine'; request: CreateVirtualMachineRequest }
  /** A bulk change: one script doing each host's write in turn (each selects its own subscription). */
  | { kind: 'many'; operations: ScriptOperation[] };
