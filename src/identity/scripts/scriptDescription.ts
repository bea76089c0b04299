// The first comment line of every script: what it does, in words a reviewer reads before running it.
// Scripts are code handed to pipelines and change reviews, so their comments are English like Azure's own samples.
import { quoteList } from '../localize';
import { describeNewVmIdentity } from '../newVirtualMachine';
import { resourceNameFromId } from '../resourceIds';
import type { ScriptHostRef, ScriptOperation } from './scriptOperation';

export function describeScriptOperation(operation: ScriptOperation): string {
  switch (operation.kind) {
    case 'changeIdentity': {
      const host = describeHost(operation.host);
      const { change } = operation;
      switch (change.kind) {
        case 'enableSystemAssigned':
          return `Enable the system-assigned identity of ${host}.`;
        case 'disableSystemAssigned':
          return `Disable the system-assigned identity of ${host}.`;
        case 'assignUserAssigned':
          return `Assign the user-assigned ${identities(change.ids)} to ${host}, keeping the identities it has.`;
        case 'removeUserAssigned':
          return `Remove the user-assigned ${identities(change.ids)} from ${host}, keeping its other identities.`;
        case 'removeAllUserAssigned':
          return `Remove all user-assigned identities (${names(change.expectedIds)}) from ${host}.`;
      }
      break;
    }
    case 'createUserAssignedIdentity': {
      const { request } = operation;
      return `Create the user-assigned identity '${request.name}' in resource group '${request.resourceGroup}' (${request.location}).`;
    }
    case 'addToGroup':
    case 'removeFromGroup': {
      const group = operation.group.displayName ? `'${operation.group.displayName}' (${operation.group.id})` : operation.group.id;
      return operation.kind === 'addToGroup'
        ? `Add the system-assigned identity of ${describeHost(operation.host)} to the Microsoft Entra group ${group}.`
        : `Remove the system-assigned identity of ${describeHost(operation.host)} from the Microsoft Entra group ${group}.`;
    }
    case 'grantRole':
    case 'revokeRole': {
      const { assignment } = operation;
      const holder = operation.principalDescription ?? `the service principal ${assignment.principalId}`;
      return operation.kind === 'grantRole'
        ? `Grant the role '${assignment.roleName}' to ${holder} at scope ${assignment.scope}.`
        : `Revoke the role '${assignment.roleName}' from ${holder} at scope ${assignment.scope}.`;
    }
    case 'many':
      return `The same change on ${operation.operations.length} resources, one after the other. A failure stops the script; the changes before it stay made.`;
    case 'createVirtualMachine': {
      const { request } = operation;
      const identityNames = request.userAssignedIdentityIds.map(resourceNameFromId);
      return `Create the virtual machine '${request.name}' in resource group '${request.resourceGroup}' (${request.location}) with ${describeNewVmIdentity(request.systemAssigned, identityNames)}.`;
    }
  }
}

/** "virtual machine 'vm-web-01'" or "virtual machine scale set 'vmss-web'". */
export function describeHost(host: ScriptHostRef): string {
  return host.kind === 'virtualMachineScaleSet' ? `virtual machine scale set '${host.name}'` : `virtual machine '${host.name}'`;
}

function identities(ids: readonly string[]): string {
  return ids.length === 1 ? `identity ${names(ids)}` : `identities ${names(ids)}`;
}

function names(ids: readonly string[]): string {
  return quoteList(ids.map(resourceNameFromId));
}
