// Confirmation texts of the identity commands (results are in the operations module's words). No `vscode` import
// (unit-tested).
import type { Localize } from '../identity/localize';
import { quoteList } from '../identity/localize';

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
