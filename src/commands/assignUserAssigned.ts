import * as vscode from 'vscode';
import { quoteList } from '../identity/localize';
import { resourceNameFromId } from '../identity/resourceIds';
import type { TreeNode } from '../tree/nodes';
import type { IActionContext } from '../ui/azext';
import { runIdentityWrite } from '../ui/hostWrites';
import { assignScriptOf } from '../ui/writeScripts';
import { pickMany } from '../ui/quickPick';
import { assignIdentityEntries } from '../ui/quickPickItems';
import { runCreateIdentityWizard } from './createUserAssignedIdentity';
import { resolveHost } from './resolveHost';
import type { Services } from './services';
import { bulkAssignUserAssigned, selectedHosts } from './bulk';

const t = vscode.l10n.t;

export async function assignUserAssigned(context: IActionContext, services: Services, node?: TreeNode, nodes?: TreeNode[]): Promise<void> {
  const many = selectedHosts(services, node, nodes);
  if (many) {
    return bulkAssignUserAssigned(context, services, many);
  }
  const { host, subscription } = await resolveHost(context, services, node);
  const identities = services.operations.listUserAssignedIdentities(subscription.subscriptionId);
  const picks = await pickMany(
    identities.then((all) => assignIdentityEntries(all, host, t)),
    {
      title: t("Assign User-Assigned Identities to '{0}'", services.store.hostLabel(host)),
      placeholder: t('Select the user-assigned identities to assign to {0}', services.store.hostLabel(host)),
      loadingPlaceholder: t('Loading user-assigned identities...'),
      scriptOf: (checked) => assignScriptOf(host, checked, t),
    },
  );
  const ids: string[] = [];
  for (const pick of picks) {
    if (pick?.kind === 'identity') {
      ids.push(pick.identity.id);
    } else if (pick?.kind === 'create') {
      ids.push((await runCreateIdentityWizard(context, services, subscription, host)).id);
    }
  }
  await runIdentityWrite(services, host, t("Assigning {0} to '{1}'...", quoteList(ids.map(resourceNameFromId)), services.store.hostLabel(host)), {
    kind: 'assignUserAssigned',
    ids,
  });
}
