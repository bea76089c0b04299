// Labels and descriptions of a host in the tree and in quick picks. No `vscode` import (unit-tested); text goes through the Localize passed in.
import { hasSystemAssigned, userAssignedCount } from '../identity/identityChange';
import type { IdentityHost, VirtualMachine, VirtualMachineScaleSet, VmIdentity } from '../identity/model';
import { resourceNameFromId } from '../identity/resourceIds';
import type { Localize } from '../identity/localize';

/** "system + 2 user", "system only", "1 user-assigned" or "no identity": short enough to show whole after a
 *  VM's name at the default side bar width (about 300 px); the tooltip has the detail. */
export function identitySummary(identity: VmIdentity, t: Localize): string {
  const system = hasSystemAssigned(identity.type);
  const users = userAssignedCount(identity);
  if (system && users > 0) {
    return t('system + {0} user', users);
  }
  if (system) {
    return t('system only');
  }
  if (users > 0) {
    return t('{0} user-assigned', users);
  }
  return t('no identity');
}

/** "system + 2 user · rg-web · eastus", with "Updating..." in place of the summary while a write runs. The
 *  identity state comes first: it is what the view exists to show, and a narrow side bar cuts the end off. A scale set
 *  says so ("Uniform scale set"); a Flexible set's instance names its set. */
export function vmDescription(vm: IdentityHost, updating: boolean, t: Localize): string {
  return [updating ? t('Updating...') : identitySummary(vm.identity, t), vm.resourceGroup, vm.location, ...hostKindParts(vm, t)].join(' · ');
}

function hostKindParts(host: IdentityHost, t: Localize): string[] {
  if (host.kind === 'virtualMachineScaleSet') {
    const mode = (host as VirtualMachineScaleSet).orchestrationMode;
    return [mode ? t('{0} scale set', mode) : t('scale set')];
  }
  const scaleSetId = (host as VirtualMachine).scaleSetId;
  return scaleSetId ? [t('in {0}', resourceNameFromId(scaleSetId))] : [];
}

/** The tooltip lines that say what kind of host this is: a scale set's mode and instances, an instance's set. */
export function hostKindDetails(host: IdentityHost, t: Localize): string[] {
  if (host.kind === 'virtualMachineScaleSet') {
    const scaleSet = host as VirtualMachineScaleSet;
    return [
      t('Virtual machine scale set ({0})', scaleSet.orchestrationMode ?? t('unknown mode')),
      ...(scaleSet.capacity !== undefined ? [t('Instances: {0}', scaleSet.capacity)] : []),
      t('Identity changes apply to every instance without an upgrade.'),
    ];
  }
  const scaleSetId = (host as VirtualMachine).scaleSetId;
  return scaleSetId ? [t('Instance of the scale set {0}', resourceNameFromId(scaleSetId))] : [];
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

/** Which codicon (and theme colour) shows a host's identity state at a glance: a VM, or layers for a scale set. */
export function vmIcon(identity: VmIdentity, updating: boolean, kind: IdentityHost['kind'] = 'virtualMachine'): { id: string; color?: string } {
  if (updating) {
    return { id: 'loading~spin' };
  }
  const system = hasSystemAssigned(identity.type);
  const users = userAssignedCount(identity) > 0;
  const active = kind === 'virtualMachineScaleSet' ? 'layers-active' : 'vm-active';
  if (system && users) {
    return { id: active, color: 'charts.green' };
  }
  if (system) {
    return { id: active, color: 'charts.blue' };
  }
  if (users) {
    return { id: active, color: 'charts.purple' };
  }
  return { id: kind === 'virtualMachineScaleSet' ? 'layers' : 'vm-outline' };
}
