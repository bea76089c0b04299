import * as vscode from 'vscode';
import type { UserAssignedIdentity } from '../../identity/model';
import { AzureWizardPromptStep, type IAzureQuickPickItem } from '../../ui/azext';
import type { CreateVmWizardContext } from './CreateVmWizardContext';

const t = vscode.l10n.t;

/** The user-assigned identities to attach; without the system-assigned one, at least one is needed. */
export class UserAssignedStep extends AzureWizardPromptStep<CreateVmWizardContext> {
  async prompt(context: CreateVmWizardContext): Promise<void> {
    const required = context.systemAssigned === false;
    const items = context.availableIdentities.then((identities) =>
      identities.map((identity): IAzureQuickPickItem<UserAssignedIdentity> => ({
        label: identity.name,
        description: `${identity.resourceGroup} · ${identity.location}`,
        data: identity,
      })),
    );
    let placeHolder = required
      ? t('Select the user-assigned identities to attach (at least one: no system-assigned identity was chosen)')
      : t('Select user-assigned identities to attach (optional)');
    for (;;) {
      const picks = await context.ui.showQuickPick(items, {
        placeHolder,
        canPickMany: true,
        loadingPlaceHolder: t('Loading user-assigned identities...'),
        noPicksMessage: t('No user-assigned identities in {0}', context.subscription.displayName),
        suppressPersistence: true,
        stepName: 'userAssigned',
      });
      if (!required || picks.length > 0) {
        context.userAssignedIdentities = picks.map((pick) => pick.data);
        return;
      }
      placeHolder = t('Select at least one user-assigned identity, or go back and enable the system-assigned identity');
    }
  }

  shouldPrompt(context: CreateVmWizardContext): boolean {
    return !context.userAssignedIdentities;
  }
}
