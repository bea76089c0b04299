import * as vscode from 'vscode';
import type { ResourceGroup } from '../../identity/model';
import { AzureWizardPromptStep, type IAzureQuickPickItem } from '../../ui/azext';
import type { CreateIdentityWizardContext } from './CreateIdentityWizardContext';

/** The resource group, the VM's own first. */
export class ResourceGroupStep extends AzureWizardPromptStep<CreateIdentityWizardContext> {
  async prompt(context: CreateIdentityWizardContext): Promise<void> {
    const vmGroup = context.vm?.resourceGroup.toLowerCase();
    const items = context.operations.listResourceGroups(context.subscription.subscriptionId).then((groups) =>
      [...groups]
        .sort((a, b) => Number(b.name.toLowerCase() === vmGroup) - Number(a.name.toLowerCase() === vmGroup) || a.name.localeCompare(b.name))
        .map((group): IAzureQuickPickItem<ResourceGroup> => ({
          label: group.name,
          description: group.name.toLowerCase() === vmGroup
            ? vscode.l10n.t("{0} · resource group of '{1}'", group.location, context.vm?.name ?? '')
            : group.location,
          data: group,
        })),
    );
    const pick = await context.ui.showQuickPick(items, {
      placeHolder: vscode.l10n.t('Select a resource group for the new identity'),
      loadingPlaceHolder: vscode.l10n.t('Loading resource groups...'),
      noPicksMessage: vscode.l10n.t('No resource groups in {0}', context.subscription.displayName),
      suppressPersistence: true,
      stepName: 'resourceGroup',
    });
    context.resourceGroup = pick.data;
  }

  shouldPrompt(context: CreateIdentityWizardContext): boolean {
    return !context.resourceGroup;
  }
}
