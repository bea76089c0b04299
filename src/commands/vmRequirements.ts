// Which VMs each palette command offers (the tree's menus apply the same rules through contextValues).
import * as vscode from 'vscode';
import { hasSystemAssigned, userAssignedCount } from '../identity/identityChange';
import type { HostRequirement } from './resolveHost';
import { clientIdItems, principalItems } from '../ui/quickPickItems';

const t = vscode.l10n.t;

export const systemAssignedOff: HostRequirement = {
  applies: (vm) => !hasSystemAssigned(vm.identity.type),
  noneMessage: (subscription) => t('Every virtual machine in {0} already has a system-assigned identity', subscription),
};

export const systemAssignedOn: HostRequirement = {
  applies: (vm) => hasSystemAssigned(vm.identity.type),
  noneMessage: (subscription) => t('No virtual machine in {0} has a system-assigned identity', subscription),
};

export const hasUserAssigned: HostRequirement = {
  applies: (vm) => userAssignedCount(vm.identity) > 0,
  noneMessage: (subscription) => t('No virtual machine in {0} has a user-assigned identity', subscription),
};

export const hasPrincipal: HostRequirement = {
  applies: (vm) => principalItems(vm, t).length > 0,
  noneMessage: (subscription) => t('No virtual machine in {0} has a managed identity', subscription),
};

export const hasClientId: HostRequirement = {
  applies: (vm) => clientIdItems(vm).length > 0,
  noneMessage: hasUserAssigned.noneMessage,
};
