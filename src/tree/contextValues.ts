// contextValues of the tree's items. They encode state as `azureVmIdentities.<kind>;key=value;...;<idle|updating>`
// so that package.json's `when` clauses (`viewItem =~ /.../`) show only actions that make sense for the item.
// No `vscode` import: test/unit checks these values against package.json's menus.
import { hasSystemAssigned, userAssignedCount } from '../identity/identityChange';
import type { HostKind, VmIdentity } from '../identity/model';

export const CONTEXT_PREFIX = 'azureVmIdentities';

export type ItemKind =
  | 'subscription'
  | 'vm'
  | 'systemIdentity'
  | 'userIdentities'
  | 'userIdentity'
  | 'group'
  | 'roleAssignments'
  | 'roleAssignment'
  | 'error'
  | 'info';

/** Whether a write is running on the item's VM; write actions are hidden meanwhile. */
export type Activity = 'idle' | 'updating';

function compose(kind: ItemKind, fields: (string | undefined)[], activity?: Activity): string {
  const parts = [`${CONTEXT_PREFIX}.${kind}`, ...fields.filter((f): f is string => f !== undefined)];
  if (activity) {
    parts.push(activity);
  }
  return parts.join(';');
}

export function subscriptionContextValue(): string {
  return compose('subscription', []);
}

/** A host's item: a VM, or a scale set (the same `vm` item with `host=scaleSet`, so every identity action applies). */
export function vmContextValue(identity: VmIdentity, activity: Activity, kind: HostKind = 'virtualMachine'): string {
  return compose(
    'vm',
    [`system=${hasSystemAssigned(identity.type) ? 'on' : 'off'}`, `user=${userAssignedCount(identity)}`, kind === 'virtualMachineScaleSet' ? 'host=scaleSet' : undefined],
    activity,
  );
}

/** `groupCount` is undefined while the memberships are unknown (not loaded, or Graph refused). */
export function systemIdentityContextValue(identity: VmIdentity, groupCount: number | undefined, activity: Activity): string {
  const on = hasSystemAssigned(identity.type);
  return compose(
    'systemIdentity',
    [`system=${on ? 'on' : 'off'}`, on && groupCount !== undefined ? `groups=${groupCount}` : undefined],
    activity,
  );
}

export function userIdentitiesContextValue(identity: VmIdentity, activity: Activity): string {
  return compose('userIdentities', [`user=${userAssignedCount(identity)}`], activity);
}

export function userIdentityContextValue(activity: Activity): string {
  return compose('userIdentity', [], activity);
}

/** "Azure role assignments" under an identity: Grant Access is offered on it. */
export function roleAssignmentsContextValue(activity: Activity): string {
  return compose('roleAssignments', [], activity);
}

/** One assignment: Revoke Access; `inherited` says it is assigned above the subscription. */
export function roleAssignmentContextValue(inherited: boolean, activity: Activity): string {
  return compose('roleAssignment', [`inherited=${inherited}`], activity);
}

export function groupContextValue(activity: Activity): string {
  return compose('group', [], activity);
}

export function errorContextValue(): string {
  return compose('error', []);
}

export function infoContextValue(): string {
  return compose('info', []);
}
