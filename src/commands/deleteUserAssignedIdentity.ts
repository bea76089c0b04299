// Delete User-Assigned Identity... (issue 9): on a user-assigned identity's item, or from the palette (subscription,
// identity). Asks first, showing the VMs that still use it (across the selected subscriptions) and the role
// assignments Azure leaves behind, orphaned. It refuses nothing: the person decides.
import * as vscode from 'vscode';
import type { UserAssignedIdentity } from '../identity/model';
import { parseUserAssignedIdentityId, resourceNameFromId } from '../identity/resourceIds';
import type { TreeNode } from '../tree/nodes';
import { deleteIdentityConfirmation } from '../ui/accessItems';
import { runDeleteIdentity } from '../ui/accessWrites';
import type { IActionContext } from '../ui/azext';
import { pickOne } from '../ui/quickPick';
import { ensureSignedIn, pickSubscription } from './resolveHost';
import type { Services } from './services';

const t = vscode.l10n.t;

export async function deleteUserAssignedIdentity(context: IActionContext, services: Services, node?: TreeNode): Promise<void> {
  await ensureSignedIn(services);
  const identity = node?.kind === 'userIdentity' ? identityOfNode(node.id, node.principalId, node.clientId) : await pickIdentity(context, services);
  const selected = services.subscriptionFilter.apply(await services.store.loadSubscriptions()).map((subscription) => subscription.subscriptionId);
  const impact = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: t("Looking for what uses '{0}'...", identity.name) },
    () => services.operations.access.describeIdentityDeletion(identity, selected),
  );
  await context.ui.showWarningMessage(
    deleteIdentityConfirmation(identity.name, impact, services.operations.accessGuard.scopeNames, services.store.hostLabel, t),
    { modal: true, stepName: 'confirmDelete' },
    { title: t('Delete') },
  );
  await runDeleteIdentity(services, identity);
}

/** The identity as a VM lists it: its id says where it is, the VM reports its principal and client ids. */
function identityOfNode(id: string, principalId: string | undefined, clientId: string | undefined): UserAssignedIdentity {
  const parts = parseUserAssignedIdentityId(id);
  return {
    id,
    name: parts?.name ?? resourceNameFromId(id),
    resourceGroup: parts?.resourceGroup ?? '',
    subscriptionId: parts?.subscriptionId ?? '',
    location: '',
    principalId: principalId ?? '',
    clientId: clientId ?? '',
    tenantId: '',
  };
}

async function pickIdentity(context: IActionContext, services: Services): Promise<UserAssignedIdentity> {
  const subscription = await pickSubscription(context, services);
  return pickOne(
    context,
    services.operations.listUserAssignedIdentities(subscription.subscriptionId).then((identities) =>
      identities.map((identity) => ({ label: identity.name, description: identity.resourceGroup, detail: identity.id, data: identity })),
    ),
    {
      placeHolder: t('Select the user-assigned identity to delete'),
      loadingPlaceHolder: t('Loading user-assigned identities...'),
      noPicksMessage: t('No user-assigned identities in {0}', subscription.displayName),
      stepName: 'identity',
    },
  );
}
