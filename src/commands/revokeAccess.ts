// Revoke Access... (issue 9): on an assignment under "Azure role assignments", or from the palette (VM, identity,
// assignment). Asks first, naming the role, the scope and the identity; for an inherited assignment it names the scope
// it comes from and warns that the change applies there.
import * as vscode from 'vscode';
import { principalName, subscriptionOf, type AccessPrincipal, type RoleAssignmentEntry } from '../identity/accessOperations';
import type { IdentityHost } from '../identity/model';
import { revokeConfirmation } from '../identity/roles';
import { revokeRoleScript } from '../identity/scripts/roleScripts';
import type { TreeNode } from '../tree/nodes';
import { accessPrincipalOf, accessPrincipals, grantPrincipalItems, roleAssignmentText } from '../ui/accessItems';
import { runRevokeAccess } from '../ui/accessWrites';
import type { IActionContext } from '../ui/azext';
import { pickOne } from '../ui/quickPick';
import { confirmWrite } from '../ui/scriptActions';
import { resolveHost } from './resolveHost';
import type { Services } from './services';
import { hasPrincipal } from './vmRequirements';

const t = vscode.l10n.t;

export async function revokeAccess(context: IActionContext, services: Services, node?: TreeNode): Promise<void> {
  const { host } = await resolveHost(context, services, node, hasPrincipal);
  const names = services.operations.accessGuard.scopeNames;
  let principal: AccessPrincipal | undefined;
  let entry: RoleAssignmentEntry;
  if (node?.kind === 'roleAssignment') {
    principal = accessPrincipalOf(host, node.parent.userAssignedId);
    entry = node.entry;
  } else {
    const principals = accessPrincipals(host);
    principal = principals.length === 1
      ? principals[0]
      : await pickOne(context, grantPrincipalItems(principals, t), { placeHolder: t("Select the identity of '{0}'", services.store.hostLabel(host)), stepName: 'identity' });
    const chosen = principal;
    entry = await pickOne(
      context,
      services.operations.access.listRoleAssignments(chosen).then((entries) =>
        entries.map((candidate) => ({ ...roleAssignmentText(candidate, names, t), data: candidate })),
      ),
      {
        placeHolder: t('Select the role assignment to revoke'),
        loadingPlaceHolder: t('Loading role assignments...'),
        noPicksMessage: t("'{0}' has no role assignments", principalName(chosen, services.store.hostLabel)),
        stepName: 'assignment',
      },
    );
  }
  if (!principal) {
    throw new Error(t("The identity of '{0}' has changed; refresh and try again.", services.store.hostLabel(host)));
  }
  await confirmAndRevoke(context, services, host, principal, entry);
}

async function confirmAndRevoke(context: IActionContext, services: Services, host: IdentityHost, principal: AccessPrincipal, entry: RoleAssignmentEntry): Promise<void> {
  const names = services.operations.accessGuard.scopeNames;
  // Listed in the principal's subscription: an assignment above it (a management group) changes more than this subscription.
  const viewed = `/subscriptions/${subscriptionOf(principal)}`;
  const identityName = principal.kind === 'systemAssigned' ? t("the system-assigned identity of {0}", services.store.hostLabel(host)) : principalName(principal, services.store.hostLabel);
  // Throws UserCancelledError (nothing sent) unless the user presses Revoke; Copy as Script sends nothing either.
  await confirmWrite(
    context,
    revokeConfirmation(identityName, entry.roleName, entry.assignment, viewed, names, t),
    'confirmRevoke',
    t('Revoke'),
    revokeRoleScript(principal, entry.assignment, entry.roleName),
  );
  await runRevokeAccess(services, host, principal, entry.assignment, entry.roleName);
}
