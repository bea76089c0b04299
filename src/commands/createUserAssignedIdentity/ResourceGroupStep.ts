import * as vscode from 'vscode';
import type { ResourceGroup } from '../../identity/model';
import { nameTakenProblem } from '../../identity/nameRules';
import { sortBy } from '../../identity/ordering';
import { sameResourceId } from '../../identity/resourceIds';
import { AzureWizardPromptStep, type IAzureQuickPickItem } from '../../ui/azext';
import { pickResourceGroup } from '../../ui/pickResourceGroup';
import type { CreateIdentityWizardContext } from './CreateIdentityWizardContext';

const t = vscode.l10n.t;

/** The resource group, the VM's own first. Groups that already have an identity of the chosen name are marked and refused. */
export class ResourceGroupStep extends AzureWizardPromptStep<CreateIdentityWizardContext> {
  async prompt(context: CreateIdentityWizardContext): Promise<void> {
    const name = context.newIdentityName ?? '';
    const vmGroup = context.vm?.resourceGroup;
    const isVmGroup = (group: ResourceGroup) => vmGroup !== undefined && sameResourceId(group.name, vmGroup);
    // Marking taken names is a help: the create call refuses a taken name in any case.
    const existing = (context.existingIdentities ?? Promise.resolve([])).catch(() => []);
    const takenProblem = async (group: ResourceGroup) =>
      nameTakenProblem(
        'identity',
        name,
        group.name,
        (await existing).filter((identity) => sameResourceId(identity.resourceGroup, group.name)).map((identity) => identity.name),
        t,
      );
    const items = Promise.all([context.operations.listResourceGroups(context.subscription.subscriptionId), existing]).then(([groups]) =>
      Promise.all(
        // The VM's own group first, then by name.
        sortBy(groups, (group) => [isVmGroup(group) ? '0' : '1', group.name])
          .map(async (group): Promise<IAzureQuickPickItem<ResourceGroup>> => {
            const taken = await takenProblem(group);
            const description = isVmGroup(group) ? t("{0} · resource group of '{1}'", group.location, context.vm?.name ?? '') : group.location;
            return { label: group.name, description: taken ? t("{0} · '{1}' already exists here", description, name) : description, data: group };
          }),
      ),
    );
    // A group where the name is taken is refused, and the pick shows again saying why (Back changes the name).
    context.resourceGroup = await pickResourceGroup(context, items, t('Select a resource group for the new identity'), takenProblem);
  }

  shouldPrompt(context: CreateIdentityWizardContext): boolean {
    return !context.resourceGroup;
  }
}
