// Create User-Assigned Identity...: a wizard (name, resource group, location), then one create call.
import * as vscode from 'vscode';
import type { Subscription, UserAssignedIdentity, VirtualMachine } from '../../identity/model';
import { isTreeNode, vmNodeOf } from '../../tree/nodes';
import { AzureWizard, callWithTelemetryAndErrorHandling, type IActionContext } from '../../ui/azext';
import { copyToClipboard, runIdentityWrite } from '../../ui/identityWrite';
import { pickSubscription } from '../../ui/pickVm';
import type { Services } from '../../ui/services';
import { CreateIdentityStep } from './CreateIdentityStep';
import type { CreateIdentityWizardContext } from './CreateIdentityWizardContext';
import { IdentityNameStep } from './IdentityNameStep';
import { LocationStep } from './LocationStep';
import { ResourceGroupStep } from './ResourceGroupStep';

const t = vscode.l10n.t;

/** Runs the wizard; returns the new identity. Also used by "Assign User-Assigned Identities..." for its "Create new" entry. */
export async function runCreateIdentityWizard(
  context: IActionContext,
  services: Services,
  subscription: Subscription,
  vm: VirtualMachine | undefined,
): Promise<UserAssignedIdentity> {
  const wizardContext: CreateIdentityWizardContext = Object.assign(context, {
    operations: services.operations,
    subscription,
    vm,
  });
  const wizard = new AzureWizard(wizardContext, {
    title: vm ? t("Create User-Assigned Identity for '{0}'", vm.name) : t('Create User-Assigned Identity'),
    promptSteps: [new IdentityNameStep(), new ResourceGroupStep(), new LocationStep()],
    executeSteps: [new CreateIdentityStep()],
  });
  await wizard.prompt();
  await wizard.execute();
  const created = wizardContext.createdIdentity!;
  services.log.info(`Created user-assigned identity ${created.id} (client id ${created.clientId}).`);
  return created;
}

export async function createUserAssignedIdentity(context: IActionContext, services: Services, node?: unknown): Promise<void> {
  const vmNode = isTreeNode(node) ? vmNodeOf(node) : undefined;
  const subscription =
    vmNode?.subscription ?? (isTreeNode(node) && node.kind === 'subscription' ? node.subscription : await pickSubscription(context, services));
  const vm = vmNode?.vm;
  const created = await runCreateIdentityWizard(context, services, subscription, vm);

  const assign = vm ? t("Assign to '{0}'", vm.name) : undefined;
  const copyClientId = t('Copy Client ID');
  void vscode.window
    .showInformationMessage(
      t("Created user-assigned identity '{0}' in resource group '{1}' ({2}).", created.name, created.resourceGroup, created.location),
      ...(assign ? [assign, copyClientId] : [copyClientId]),
    )
    .then(async (choice) => {
      if (choice === copyClientId) {
        await copyToClipboard(t('client ID'), created.clientId);
      } else if (choice === assign && vm) {
        // A new action, with its own error handling: the create command has finished by now.
        await callWithTelemetryAndErrorHandling('azureVmIdentities.assignUserAssigned', async () => {
          const current = services.tree.knownVm(vm) ?? vm;
          await runIdentityWrite(services, current, t("Assigning '{0}' to '{1}'...", created.name, vm.name), {
            kind: 'assignUserAssigned',
            ids: [created.id],
          });
        });
      }
    });
}
