// Labels and descriptions of a host in the tree and in quick picks. No `vscode` import (unit-tested); text goes through the Localize passed in.
import { hasSystemAssigned, userAssignedCount } from '../identity/identityChange';
import type { IdentityHost, VmIdentity } from '../identity/model';
import type { Localize } from '../identity/localize';

/** "system + 2 user-assigned", "system-assigned", "1 user-assigned" or "no identity". */
export function identitySummary(identity: VmIdentity, t: Localize): string {
  const system = hasSystemAssigned(identity.type);
  const users = userAssignedCount(identity);
  if (system && users > 0) {
    return t('system + {0} user-assigned', users);
  }
  if (system) {
    return t('system-assigned');
  }
  if (users > 0) {
    return t('{0} user-assigned', users);
  }
  return t('no identity');
}

/** "rg-web · eastus · system + 2 user-assigned", with "Updating..." in place of the summary while a write runs. */
export function vmDescription(vm: IdentityHost, updating: boolean, t: Localize): string {
  return [vm.resourceGroup, vm.location, updating ? t('Updating...') : identitySummary(vm.identity, t)].join(' · ');
}

/** "On · <principalId>" or "Off". */
export function systemIdentityDescription(identity: VmIdentity, t: Localize): string {
  if (!hasSystemAssigned(identity.type)) {
    return t('Off');
  }
  return identity.principalId ? t('On · {0}', identity.principalId) : t('On');
}

export function userIdentitiesDescription(identity: VmIdentity, t: Localize): string {
  const count = userAssignedCount(identity);
  return count === 0 ? t('none') : String(count);
}

/** Which codicon (and theme colour) shows a VM's identity state at a glance. */
export function vmIcon(identity: VmIdentity, updating: boolean): { id: string; color?: string } {
  if (updating) {
    return { id: 'loading~spin' };
  }
  const system = hasSystemAssigned(identity.type);
  const users = userAssignedCount(identity) > 0;
  if (system && users) {
    return { id: 'vm-active', color: 'charts.green' };
  }
  if (system) {
    return { id: 'vm-active', color: 'charts.blue' };
  }
  if (users) {
    return { id: 'vm-active', color: 'charts.purple' };
  }
  return { id: 'vm-outline' };
}
