import * as vscode from 'vscode';
import { AzureWizardPromptStep, type IAzureQuickPickItem } from '../../ui/azext';
import type { CreateVmWizardContext, SubnetChoice } from './CreateVmWizardContext';
import { networksIn } from './networks';

const t = vscode.l10n.t;

/** An existing subnet in the VM's region: Compute creates the NIC on it; this command creates no network. */
export class SubnetStep extends AzureWizardPromptStep<CreateVmWizardContext> {
  async prompt(context: CreateVmWizardContext): Promise<void> {
    const location = context.resourceGroup!.location;
    const networks = networksIn(await context.virtualNetworks, location);
    if (networks.length === 0) {
      throw new Error(
        t(
          "There is no virtual network with a subnet in {0} in '{1}'. This command does not create networks: create a virtual network with a subnet in {0} first (for example: az network vnet create --resource-group {2} --name vnet-{0} --location {0} --subnet-name default), then run it again.",
          location,
          context.subscription.displayName,
          context.resourceGroup!.name,
        ),
      );
    }
    const items = networks.flatMap((network) =>
      network.subnets.map((subnet): IAzureQuickPickItem<SubnetChoice> => ({
        label: `${network.name}/${subnet.name}`,
        description: [subnet.addressPrefix, network.resourceGroup].filter(Boolean).join(' · '),
        data: { network, subnet },
      })),
    );
    context.subnet = (
      await context.ui.showQuickPick(items, {
        placeHolder: t('Select the subnet for the network interface (virtual networks in {0})', location),
        suppressPersistence: true,
        stepName: 'subnet',
      })
    ).data;
  }

  shouldPrompt(context: CreateVmWizardContext): boolean {
    return !context.subnet;
  }
}
