// Confirmation and result texts of the identity commands. No `vscode` import (unit-tested).
import { hasSystemAssigned } from '../identity/identityChange';
import type { VmIdentity } from '../identity/model';
import { resourceNameFromId, sameResourceId } from '../identity/names';
import type { Localize } from '../identity/localize';

export function quoteList(names: string[]): string {
  return names.map((name) => `'${name}'`).join(', ');
}

/** What a write changed on a VM, from its identity before and after: "Assigned 'id-a' to 'vm-1'." and so on. */
export function describeIdentityChange(before: VmIdentity, after: VmIdentity, vmName: string, t: Localize): string {
  const parts: string[] = [];
  const wasOn = hasSystemAssigned(before.type);
  const isOn = hasSystemAssigned(after.type);
  if (!wasOn && isOn) {
    parts.push(
      after.principalId
        ? t("Enabled the system-assigned identity of '{0}' (principal ID {1}).", vmName, after.principalId)
        : t("Enabled the system-assigned identity of '{0}'.", vmName),
    );
  } else if (wasOn && !isOn) {
    parts.push(t("Disabled the system-assigned identity of '{0}'.", vmName));
  }
  const beforeIds = Object.keys(before.userAssignedIdentities ?? {});
  const afterIds = Object.keys(after.userAssignedIdentities ?? {});
  const added = afterIds.filter((id) => !beforeIds.some((b) => sameResourceId(b, id))).map(resourceNameFromId);
  const removed = beforeIds.filter((id) => !afterIds.some((a) => sameResourceId(a, id))).map(resourceNameFromId);
  if (added.length > 0) {
    parts.push(t("Assigned {0} to '{1}'.", quoteList(added), vmName));
  }
  if (removed.length > 0) {
    parts.push(t("Removed {0} from '{1}'.", quoteList(removed), vmName));
  }
  if (parts.length === 0) {
    return t("Nothing changed: '{0}' already had the identities asked for.", vmName);
  }
  return parts.join(' ');
}

export function disableSystemConfirmation(vmName: string, t: Localize): string {
  return t(
    "Disable the system-assigned identity of '{0}'? Azure deletes its service principal, and with it every role assignment and Microsoft Entra group membership it has. Enabling it again creates a new principal with none of them. User-assigned identities stay.",
    vmName,
  );
}

export function removeUserAssignedConfirmation(names: string[], vmName: string, all: boolean, t: Localize): string {
  return all
    ? t("Remove all user-assigned identities ({0}) from '{1}'? The identities themselves are not deleted; the VM loses their access.", quoteList(names), vmName)
    : t("Remove {0} from '{1}'? The identities themselves are not deleted; the VM loses their access.", quoteList(names), vmName);
}

export function removeFromGroupConfirmation(groupName: string, vmName: string, t: Localize): string {
  return t("Remove the system-assigned identity of '{0}' from the group '{1}'? It loses the access the group grants.", vmName, groupName);
}

export function alreadyMemberMessage(vmName: string, groupName: string, t: Localize): string {
  return t("The system-assigned identity of '{0}' is already a member of the group '{1}'. Nothing changed.", vmName, groupName);
}
