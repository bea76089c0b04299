// Which VMs each palette command offers (the tree's menus apply the same rules through contextValues).
import * as vscode from 'vscode';
import { hasSystemAssigned, userAssignedCount } from '../identity/identityChange';
import type { VmRequirement } from '../ui/pickVm';
import { clientIdItems, principalItems } from '../ui/quickPickItems';

const t = vscode.l10n.t;

export const systemAssignedOff: VmRequirement = {
  applies: (vm) => !hasSystemAssigned(vm.identity.type),
  noneMessage: (subscription) => t('Every virtual machine in {0} already has a system-assigned identity', subscription),
};

export const systemAssignedOn: VmRequirement = {
  applies: (vm) => hasSystemAssigned(vm.identity.type),
  noneMessage: (subscription) => t('No virtual machine in {0} has a system-assigned identity', subscription),
};

export const hasUserAssigned: VmRequirement = {
  applies: (vm) => userAssignedCount(vm.identity) > 0,
  noneMessage: (subscription) => t('No virtual machine in {0} has a user-assigned identity', subscription),
};

export const hasPrincipal: VmRequirement = {
  applies: (vm) => principalItems(vm, t).length > 0,
  noneMessage: (subscription) => t('No virtual machine in {0} has a managed identity', subscription),
};

export const hasClientId: VmRequirement = {
  applies: (vm) => clientIdItems(vm).length > 0,
  noneMessage: hasUserAssigned.noneMessage,
};
