import * as vscode from 'vscode';
import type { IActionContext } from '../ui/azext';
import { runIdentityWrite } from '../ui/identityWrite';
import { resolveVm } from '../ui/pickVm';
import { pickMany } from '../ui/quickPick';
import type { Services } from '../ui/services';
import { runCreateIdentityWizard } from './createUserAssignedIdentity';
import { assignIdentityEntries } from '../ui/quickPickItems';
import { quoteList } from '../identity/localize';
import { resourceNameFromId } from '../identity/resourceIds';

const t = vscode.l10n.t;

export async function assignUserAssigned(context: IActionContext, services: Services, node?: unknown): Promise<void> {
  const { vm, subscription } = await resolveVm(context, services, node);
  const identities = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: t('Loading user-assigned identities...') },
    () => services.operations.listUserAssignedIdentities(subscription.subscriptionId),
  );
  const picks = await pickMany(assignIdentityEntries(identities, vm, t), {
    title: t("Assign User-Assigned Identities to '{0}'", vm.name),
    placeholder: t('Select the user-assigned identities to assign to {0}', vm.name),
  });
  const ids: string[] = [];
  for (const pick of picks) {
    if (pick?.kind === 'identity') {
      ids.push(pick.identity.id);
    } else if (pick?.kind === 'create') {
      ids.push((await runCreateIdentityWizard(context, services, subscription, vm)).id);
    }
  }
  const current = services.tree.knownVm(vm) ?? vm;
  await runIdentityWrite(
    services,
    current,
    t("Assigning {0} to '{1}'...", quoteList(ids.map(resourceNameFromId)), vm.name),
    { kind: 'assignUserAssigned', ids },
  );
}
