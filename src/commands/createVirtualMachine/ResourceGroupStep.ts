import * as vscode from 'vscode';
import type { ResourceGroup } from '../../identity/model';
import { AzureWizardPromptStep, type IAzureQuickPickItem } from '../../ui/azext';
import { pickResourceGroup } from '../../ui/pickResourceGroup';
import type { CreateVmWizardContext } from './CreateVmWizardContext';
import { networksIn } from './networks';

const t = vscode.l10n.t;

/** The resource group; the VM goes to its region, so a group in a region without a virtual network is marked and
 *  refused here, before the user types the rest. */
export class ResourceGroupStep extends AzureWizardPromptStep<CreateVmWizardContext> {
  async prompt(context: CreateVmWizardContext): Promise<void> {
    // Unknown networks (the list failed) refuse nothing here: the subnet step reports the failure.
    const networks = context.virtualNetworks.catch(() => undefined);
    const noNetworkProblem = async (group: ResourceGroup) => {
      const all = await networks;
      return all && networksIn(all, group.location).length === 0
        ? t('There is no virtual network with a subnet in {0}, and this command does not create networks: choose a group in another region.', group.location)
        : undefined;
    };
    const items = Promise.all([context.operations.listResourceGroups(context.subscription.subscriptionId), networks]).then(([groups]) =>
      Promise.all(
        groups.map(async (group): Promise<IAzureQuickPickItem<ResourceGroup>> => ({
          label: group.name,
          description: (await noNetworkProblem(group)) ? t('{0} · no virtual network in this region', group.location) : group.location,
          data: group,
        })),
      ),
    );
    context.resourceGroup = await pickResourceGroup(
      context,
      items,
      t("Select a resource group for the new virtual machine (it is created in the group's region)"),
      noNetworkProblem,
    );
  }

  shouldPrompt(context: CreateVmWizardContext): boolean {
    return !context.resourceGroup;
  }
}
