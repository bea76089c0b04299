// The scripts of the writes to a host, built from the same values the write sends: what runWrite offers as "Show
// Script" after the write and what a confirmation or a last pick offers as "Copy as Script..." before it (issue 11).
// No `vscode` import, so test/unit checks them.
import type { Localize } from '../identity/localize';
import type { EntraGroup, IdentityChange, IdentityHost, IdentityHostRef } from '../identity/model';
import type { ScriptIdentityChange, ScriptOperation } from '../identity/scripts/equivalentScript';
import { hostRef } from '../store/resourceStore';
import type { AssignPick } from './quickPickItems';

/** An identity change of the host as a script: what runIdentityWrite offers after it, and a command before it. */
export function identityChangeScript(host: IdentityHostRef, change: IdentityChange): ScriptOperation {
  return { kind: 'changeIdentity', host: hostRef(host), change: scriptChange(change) };
}

/** The change as the script takes it: "remove all" names the ids the user reviewed. */
function scriptChange(change: IdentityChange): ScriptIdentityChange {
  return change.kind === 'removeAllUserAssigned' ? { kind: 'removeAllUserAssigned', expectedIds: change.expectedIds ?? [] } : change;
}

/** Adding the host's system-assigned identity to a group, or removing it, as a script. */
export function groupScript(kind: 'addToGroup' | 'removeFromGroup', host: IdentityHost, group: EntraGroup): ScriptOperation | undefined {
  const { principalId, tenantId } = host.identity;
  return principalId ? { kind, host: hostRef(host), principalId, group: { id: group.id, displayName: group.displayName }, tenantId } : undefined;
}

/** "Copy as Script..." on Assign's pick: assigning the checked identities, or why there is no script yet. */
export function assignScriptOf(host: IdentityHostRef, checked: readonly (AssignPick | undefined)[], t: Localize): ScriptOperation | string {
  if (checked.some((pick) => pick?.kind === 'create')) {
    return t("A script names existing identities: uncheck 'Create new user-assigned identity...', or create it first.");
  }
  const ids = checked.flatMap((pick) => (pick?.kind === 'identity' ? [pick.identity.id] : []));
  if (ids.length === 0) {
    return t('Check the identities to assign first.');
  }
  return identityChangeScript(host, { kind: 'assignUserAssigned', ids });
}

/** One script for the writes of a bulk change (the hosts it changes, in order); undefined when none has one. */
export function scriptOfMany(operations: readonly (ScriptOperation | undefined)[]): ScriptOperation | undefined {
  const steps = operations.filter((operation): operation is ScriptOperation => operation !== undefined);
  return steps.length > 1 ? { kind: 'many', operations: steps } : steps[0];
}

/** The script of a bulk identity change: each host's own change (a bulk remove names only what each host has). */
export function bulkIdentityChangeScript(hosts: readonly IdentityHost[], changeFor: (host: IdentityHost) => IdentityChange | undefined): ScriptOperation | undefined {
  return scriptOfMany(hosts.map((host) => {
    const change = changeFor(host);
    return change && identityChangeScript(host, change);
  }));
}

/** The script of a bulk group change: each host's system-assigned identity joins or leaves the group. */
export function bulkGroupScript(hosts: readonly IdentityHost[], group: EntraGroup, verb: 'add' | 'remove'): ScriptOperation | undefined {
  return scriptOfMany(hosts.map((host) => groupScript(verb === 'add' ? 'addToGroup' : 'removeFromGroup', host, group)));
}
