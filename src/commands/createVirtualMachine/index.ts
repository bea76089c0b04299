// Create Virtual Machine with Managed Identity...: a wizard (subscription when run from the palette, resource group,
// image, name, size, administrator and credential, subnet, identities), then one create call under a cancellable
// progress notification. The promise: identities at creation, not only on existing VMs.
import * as vscode from 'vscode';
import { isIdentityError } from '../../identity/identityError';
import { describeNewVmIdentity } from '../../identity/newVirtualMachine';
import { isTreeNode } from '../../tree/nodes';
import { AzureWizard, type IActionContext } from '../../ui/azext';
import { runCancellable, showResult } from '../../ui/identityWrite';
import { pickSubscription } from '../../ui/pickVm';
import type { Services } from '../../ui/services';
import { AdminUsernameStep } from './AdminUsernameStep';
import type { CreateVmWizardContext } from './CreateVmWizardContext';
import { ImageStep } from './ImageStep';
import { PasswordStep } from './PasswordStep';
import { ResourceGroupStep } from './ResourceGroupStep';
import { SizeStep } from './SizeStep';
import { SshKeyStep } from './SshKeyStep';
import { SubnetStep } from './SubnetStep';
import { SystemIdentityStep } from './SystemIdentityStep';
import { UserAssignedStep } from './UserAssignedStep';
import { VmNameStep } from './VmNameStep';

const t = vscode.l10n.t;

export async function createVirtualMachine(context: IActionContext, services: Services, node?: unknown): Promise<void> {
  const subscription = isTreeNode(node) && node.kind === 'subscription' ? node.subscription : await pickSubscription(context, services);
  const { operations } = services;
  const { subscriptionId } = subscription;
  const loading = <T>(promise: Promise<T>) => {
    promise.catch(() => undefined); // awaited by the step that needs it, which reports a failure
    return promise;
  };
  const wizardContext: CreateVmWizardContext = Object.assign(context, {
    operations,
    subscription,
    virtualNetworks: loading(operations.listVirtualNetworks(subscriptionId)),
    virtualMachines: loading(services.tree.loadedVms(subscriptionId) ?? operations.listVirtualMachines(subscriptionId)),
    availableIdentities: loading(operations.listUserAssignedIdentities(subscriptionId)),
  });
  const wizard = new AzureWizard(wizardContext, {
    title: t('Create Virtual Machine with Managed Identity in {0}', subscription.displayName),
    promptSteps: [
      new ResourceGroupStep(),
      new ImageStep(),
      new VmNameStep(),
      new SizeStep(),
      new AdminUsernameStep(),
      new SshKeyStep(),
      new PasswordStep(),
      new SubnetStep(),
      new SystemIdentityStep(),
      new UserAssignedStep(),
    ],
  });
  await wizard.prompt();

  const name = wizardContext.vmName!;
  const resourceGroup = wizardContext.resourceGroup!;
  const identities = wizardContext.userAssignedIdentities ?? [];
  const systemAssigned = wizardContext.systemAssigned ?? false;
  const request = {
    subscriptionId,
    resourceGroup: resourceGroup.name,
    name,
    location: resourceGroup.location,
    image: wizardContext.image!,
    vmSize: wizardContext.vmSize!,
    adminUsername: wizardContext.adminUsername!,
    credential: wizardContext.credential!,
    subnetId: wizardContext.subnet!.subnet.id,
    systemAssigned,
    userAssignedIdentityIds: identities.map((identity) => identity.id),
  };
  wizardContext.credential = undefined; // the password lives no longer than the call needs it
  const title = t("Creating virtual machine '{0}' in '{1}'...", name, resourceGroup.name);
  services.log.info(`${title} (${wizardContext.image!.label}, ${request.vmSize}, subnet ${request.subnetId}, identity ${systemAssigned ? 'system' : 'no system'} + ${identities.length} user-assigned)`);
  const created = await runCancellable(services, title, name, (options) => operations.createVirtualMachine(request, options))
    .then(undefined, async (error: unknown) => {
      if (isIdentityError(error) && error.kind === 'cancelled') {
        // The PUT may have been sent: Azure goes on creating the VM whether or not anyone waits.
        await services.tree.reloadSubscription(subscriptionId);
        void vscode.window.showInformationMessage(t("Stopped waiting for '{0}'. Azure may still finish creating it; the tree shows what Azure has now.", name));
      }
      throw error;
    });
  await services.tree.addVm(created);
  const message = t("Created virtual machine '{0}' with {1}.", created.name, describeNewVmIdentity(systemAssigned, identities.map((identity) => identity.name), t));
  services.log.info(`${message} (${created.id})`);
  void showResult(services, created, message);
}
