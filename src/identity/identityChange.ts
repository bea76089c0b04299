// The pure heart of every identity write: from the VM's current identity and what the user asked for, compute the
// identity that should result and the SMALLEST PATCH body that produces it, following Azure CLI's rules
// (vm/custom.py assign_vm_identity / _remove_identities; see azure-wire-facts.md section 1):
// - user-assigned keys a PATCH does not mention are kept, so "assign" sends only the new ids (value {}) and
//   "remove" sends only the removed ids (value null);
// - a PATCH that changes `type` and omits the dictionary keeps the user-assigned identities while the new type
//   still includes UserAssigned;
// - `SystemAssigned` or `None` drop every user-assigned identity, so they are sent only when none may remain.
// Nothing here ever drops an identity it was not asked to drop. Ids match without regard to case; ids already on
// the VM keep the casing ARM stored.
import type { IdentityPatch } from './ports';
import { defaultLocalize, type Localize } from './localize';
import type { IdentityChange, IdentityType, VmIdentity } from './model';
import { quoteList } from './localize';
import { parseUserAssignedIdentityId, resourceNameFromId, sameResourceId } from './resourceIds';

/** The identity that results from a change: its type and the user-assigned ids it keeps. */
export interface PlannedIdentity {
  type: IdentityType;
  userAssignedIds: string[];
}

export type IdentityPlan =
  /** Send `patch` (as the VM's `identity`) to get `next`. */
  | { outcome: 'change'; next: PlannedIdentity; patch: IdentityPatch; message: string }
  /** Nothing to do: the VM already is as asked. No request should be made. */
  | { outcome: 'unchanged'; reason: UnchangedReason; message: string }
  /** The request cannot be carried out; nothing should be sent. */
  | { outcome: 'refused'; reason: RefusedReason; message: string };

export type UnchangedReason = 'alreadyEnabled' | 'alreadyDisabled' | 'alreadyAssigned' | 'noUserAssigned';
type RefusedReason = 'notAssociated' | 'noIdentitiesGiven' | 'notAUserAssignedIdentityId' | 'changedSinceReviewed';

export function hasSystemAssigned(type: IdentityType): boolean {
  return type === 'SystemAssigned' || type === 'SystemAssigned, UserAssigned';
}

export function userAssignedCount(identity: VmIdentity): number {
  return Object.keys(identity.userAssignedIdentities ?? {}).length;
}

/** The ARM type for a VM with (or without) a system-assigned identity and some number of user-assigned ones. */
export function identityTypeOf(systemAssigned: boolean, userAssignedCount: number): IdentityType {
  if (systemAssigned) {
    return userAssignedCount > 0 ? 'SystemAssigned, UserAssigned' : 'SystemAssigned';
  }
  return userAssignedCount > 0 ? 'UserAssigned' : 'None';
}

export function planIdentityChange(current: VmIdentity, change: IdentityChange, vmName: string, t: Localize = defaultLocalize): IdentityPlan {
  const system = hasSystemAssigned(current.type);
  const existing = Object.keys(current.userAssignedIdentities ?? {});
  const changeTo = (type: IdentityType, userAssignedIds: string[], message: string, dictionary?: IdentityPatch['userAssignedIdentities']): IdentityPlan => ({
    outcome: 'change',
    next: { type, userAssignedIds },
    patch: dictionary ? { type, userAssignedIdentities: dictionary } : { type },
    message,
  });

  switch (change.kind) {
    case 'enableSystemAssigned': {
      if (system) {
        return { outcome: 'unchanged', reason: 'alreadyEnabled', message: t("The system-assigned identity of '{0}' is already enabled.", vmName) };
      }
      // Omitting the dictionary keeps the user-assigned identities (the type still includes UserAssigned).
      return changeTo(identityTypeOf(true, existing.length), existing, t("Enabled the system-assigned identity of '{0}'.", vmName));
    }
    case 'disableSystemAssigned': {
      if (!system) {
        return { outcome: 'unchanged', reason: 'alreadyDisabled', message: t("'{0}' has no system-assigned identity to disable.", vmName) };
      }
      return changeTo(identityTypeOf(false, existing.length), existing, t("Disabled the system-assigned identity of '{0}'.", vmName));
    }
    case 'assignUserAssigned': {
      const requested = uniqueIds(change.ids);
      const refusal = refuseEmptyOrMalformed(requested, 'assign', t);
      if (refusal) {
        return refusal;
      }
      const added = requested.filter((id) => !existing.some((present) => sameResourceId(present, id)));
      if (added.length === 0) {
        return {
          outcome: 'unchanged',
          reason: 'alreadyAssigned',
          message:
            requested.length === 1
              ? t("{0} is already assigned to '{1}'.", describeIds(requested), vmName)
              : t("{0} are already assigned to '{1}'.", describeIds(requested), vmName),
        };
      }
      return changeTo(
        identityTypeOf(system, existing.length + added.length),
        [...existing, ...added],
        t("Assigned {0} to '{1}'.", describeIds(added), vmName),
        Object.fromEntries(added.map((id) => [id, {}])),
      );
    }
    case 'removeUserAssigned': {
      const requested = uniqueIds(change.ids);
      const refusal = refuseEmptyOrMalformed(requested, 'remove', t);
      if (refusal) {
        return refusal;
      }
      const missing = requested.filter((id) => !existing.some((present) => sameResourceId(present, id)));
      if (missing.length > 0) {
        // Azure CLI's wording, refused before any request.
        return { outcome: 'refused', reason: 'notAssociated', message: t("'{0}' are not associated with '{1}'", missing.join(', '), vmName) };
      }
      const removed = existing.filter((present) => requested.some((id) => sameResourceId(present, id)));
      const kept = existing.filter((present) => !removed.includes(present));
      return planRemoval(system, kept, removed, vmName, t);
    }
    case 'removeAllUserAssigned': {
      if (change.expectedIds) {
        const changed = refuseChangedSinceReviewed(existing, change.expectedIds, vmName, t);
        if (changed) {
          return changed;
        }
      }
      if (existing.length === 0) {
        return { outcome: 'unchanged', reason: 'noUserAssigned', message: t("'{0}' has no user-assigned identities to remove.", vmName) };
      }
      return planRemoval(system, [], existing, vmName, t);
    }
  }
}

function planRemoval(system: boolean, kept: string[], removed: string[], vmName: string, t: Localize): IdentityPlan {
  const type = identityTypeOf(system, kept.length);
  const message = t("Removed {0} from '{1}'.", describeIds(removed), vmName);
  if (kept.length === 0) {
    // `SystemAssigned` / `None` drop all user-assigned identities, and UserAssigned with an empty dictionary is
    // refused by ARM; the type alone is the smallest body.
    return { outcome: 'change', next: { type, userAssignedIds: [] }, patch: { type }, message };
  }
  return {
    outcome: 'change',
    next: { type, userAssignedIds: kept },
    patch: { type, userAssignedIdentities: Object.fromEntries(removed.map((id) => [id, null])) },
    message,
  };
}

/** "Remove all" removes what the user reviewed, never an identity that appeared (or vanished) since. */
function refuseChangedSinceReviewed(existing: string[], expectedIds: string[], vmName: string, t: Localize): IdentityPlan | undefined {
  const appeared = existing.filter((id) => !expectedIds.some((expected) => sameResourceId(expected, id)));
  const disappeared = uniqueIds(expectedIds).filter((expected) => !existing.some((id) => sameResourceId(expected, id)));
  if (appeared.length === 0 && disappeared.length === 0) {
    return undefined;
  }
  const changes = [
    ...(appeared.length > 0 ? [t('{0} appeared', describeIds(appeared))] : []),
    ...(disappeared.length > 0 ? [t('{0} disappeared', describeIds(disappeared))] : []),
  ].join('; ');
  return {
    outcome: 'refused',
    reason: 'changedSinceReviewed',
    message: t("The user-assigned identities of '{0}' changed since you reviewed them ({1}). Nothing was removed; review them again.", vmName, changes),
  };
}

function refuseEmptyOrMalformed(ids: string[], verb: 'assign' | 'remove', t: Localize): IdentityPlan | undefined {
  if (ids.length === 0) {
    return {
      outcome: 'refused',
      reason: 'noIdentitiesGiven',
      message: verb === 'assign' ? t('Choose at least one user-assigned identity to assign.') : t('Choose at least one user-assigned identity to remove.'),
    };
  }
  const malformed = ids.filter((id) => !parseUserAssignedIdentityId(id));
  if (malformed.length > 0) {
    return {
      outcome: 'refused',
      reason: 'notAUserAssignedIdentityId',
      message:
        malformed.length === 1
          ? t("'{0}' is not the resource id of a user-assigned identity (/subscriptions/…/resourceGroups/…/providers/Microsoft.ManagedIdentity/userAssignedIdentities/…).", malformed[0])
          : t("'{0}' are not the resource id of a user-assigned identity (/subscriptions/…/resourceGroups/…/providers/Microsoft.ManagedIdentity/userAssignedIdentities/…).", malformed.join(', ')),
    };
  }
  return undefined;
}

/** Trims and drops ids repeated with another casing, keeping the first spelling. */
export function uniqueIds(ids: readonly string[]): string[] {
  const result: string[] = [];
  for (const id of ids.map((i) => i.trim()).filter((i) => i.length > 0)) {
    if (!result.some((kept) => sameResourceId(kept, id))) {
      result.push(id);
    }
  }
  return result;
}

function describeIds(ids: string[]): string {
  return quoteList(ids.map(resourceNameFromId));
}
