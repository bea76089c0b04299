import * as vscode from 'vscode';
import type { ResourceGroup } from '../../identity/model';
import { AzureWizardPromptStep, type IAzureQuickPickItem } from '../../ui/azext';
import type { CreateVmWizardContext } from './CreateVmWizardContext';
import { networksIn } from './networks';

const t = vscode.l10n.t;

/** The resource group; the VM goes to its region, so groups in a region without a virtual network are marked. */
export class ResourceGroupStep extends AzureWizardPromptStep<CreateVmWizardContext> {
  async prompt(context: CreateVmWizardContext): Promise<void> {
    const networks = context.virtualNetworks.catch(() => undefined); // marking is a help; the subnet step says why
    const items = Promise.all([context.operations.listResourceGroups(context.subscription.subscriptionId), networks]).then(([groups, all]) =>
      groups.map((group): IAzureQuickPickItem<ResourceGroup> => ({
        label: group.name,
        description: all && networksIn(all, group.location).length === 0 ? t('{0} · no virtual network in this region', group.location) : group.location,
        data: group,
      })),
    );
    context.resourceGroup = (
      await context.ui.showQuickPick(items, {
        placeHolder: t('Select a resource group for the new virtual machine (it is created in the group\'s region)'),
        loadingPlaceHolder: t('Loading resource groups...'),
        noPicksMessage: t('No resource groups in {0}', context.subscription.displayName),
        suppressPersistence: true,
        stepName: 'resourceGroup',
      })
    ).data;
  }

  shouldPrompt(context: CreateVmWizardContext): boolean {
    return !context.resourceGroup;
  }
}
