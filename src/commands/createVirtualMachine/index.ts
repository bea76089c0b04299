// Create Virtual Machine with Managed Identity...: a wizard (subscription when run from the palette, resource group,
// image, name, size, administrator and credential, subnet, identities), then one create call through runWrite, as
// every write ends. The promise: identities at creation, not only on existing VMs.
import * as vscode from 'vscode';
import { describeNewVmIdentity } from '../../identity/newVirtualMachine';
import type { TreeNode } from '../../tree/nodes';
import { AzureWizard, type IActionContext } from '../../ui/azext';
import { hostFollowUps } from '../../ui/followUps';
import { runWrite } from '../../ui/writePipeline';
import { pickSubscription } from '../resolveHost';
import type { Services } from '../services';
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

export async function createVirtualMachine(context: IActionContext, services: Services, node?: TreeNode): Promise<void> {
  const subscription = node?.kind === 'subscription' ? node.subscription : await pickSubscription(context, services);
  const { operations, store } = services;
  const { subscriptionId } = subscription;
  const loading = <T>(promise: Promise<T>) => {
    promise.catch(() => undefined); // awaited by the step that needs it, which reports a failure
    return promise;
  };
  const wizardContext: CreateVmWizardContext = Object.assign(context, {
    operations,
    subscription,
    virtualNetworks: loading(operations.listVirtualNetworks(subscriptionId)),
    // The store's list when loaded (no request), else the listing, which the tree then shows too.
    existingHosts: loading(store.hosts(subscriptionId)),
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
  await runWrite(services, {
    title: t("Creating virtual machine '{0}' in '{1}'...", name, resourceGroup.name),
    target: { kind: 'newHost', subscriptionId, name },
    details: `${wizardContext.image!.label}, ${request.vmSize}, subnet ${request.subnetId}, identity ${systemAssigned ? 'system' : 'no system'} + ${identities.length} user-assigned`,
    run: (options) => operations.createVirtualMachine(request, options),
    applied: (created) => {
      store.addHost(created);
      return {
        message: t("Created virtual machine '{0}' with {1}.", created.name, describeNewVmIdentity(systemAssigned, identities.map((identity) => identity.name), t)),
        resourceId: created.id,
        followUps: hostFollowUps(services, created),
      };
    },
  });
}
