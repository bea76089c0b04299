// Create Virtual Machine with Managed Identity...: a wizard (subscription when run from the palette, resource group,
// image, name, size, administrator and credential, subnet, identities), then one create call through runWrite, as
// every write ends. The promise: identities at creation, not only on existing VMs.
import * as vscode from 'vscode';
import { describeNewVmIdentity, type CreateVirtualMachineRequest } from '../../identity/newVirtualMachine';
import type { ScriptOperation } from '../../identity/scripts/equivalentScript';
import type { TreeNode } from '../../tree/nodes';
import { AzureWizard, type IActionContext } from '../../ui/azext';
import { grantAccessFollowUps, hostFollowUps } from '../../ui/followUps';
import { ReviewWithScriptStep } from '../../ui/scriptActions';
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
  const requestOf = (answered: CreateVmWizardContext): CreateVirtualMachineRequest => ({
    subscriptionId,
    resourceGroup: answered.resourceGroup!.name,
    name: answered.vmName!,
    location: answered.resourceGroup!.location,
    image: answered.image!,
    vmSize: answered.vmSize!,
    adminUsername: answered.adminUsername!,
    credential: answered.credential!,
    subnetId: answered.subnet!.subnet.id,
    systemAssigned: answered.systemAssigned ?? false,
    userAssignedIdentityIds: (answered.userAssignedIdentities ?? []).map((identity) => identity.id),
  });
  // The script asks for the password when it runs (Get-Credential / a prompt); it never holds this one.
  const scriptOf = (request: CreateVirtualMachineRequest): ScriptOperation => ({
    kind: 'createVirtualMachine',
    request: { ...request, credential: request.credential.kind === 'password' ? { kind: 'password', password: '' } : request.credential },
  });
  // A VM costs money and takes minutes: the wizard ends with a review of what is created, which offers the script.
  const review = new ReviewWithScriptStep<CreateVmWizardContext>((answered) => {
    const request = requestOf(answered);
    const identityNames = (answered.userAssignedIdentities ?? []).map((identity) => identity.name);
    return {
      question: t("Create the virtual machine '{0}' in resource group '{1}' ({2})?", request.name, request.resourceGroup, request.location),
      confirmLabel: t('Create'),
      detail: t('{0}, {1}, subnet {2} of {3}, with {4}', request.image.label, request.vmSize, answered.subnet!.subnet.name, answered.subnet!.network.name, describeNewVmIdentity(request.systemAssigned, identityNames, t)),
      script: scriptOf(request),
    };
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
      review,
    ],
  });
  await wizard.prompt();

  const request = requestOf(wizardContext);
  const { name, systemAssigned } = request;
  const resourceGroup = wizardContext.resourceGroup!;
  const identities = wizardContext.userAssignedIdentities ?? [];
  wizardContext.credential = undefined; // the password lives no longer than the call needs it
  const scriptRequest = scriptOf(request);
  await runWrite(services, {
    title: t("Creating virtual machine '{0}' in '{1}'...", name, resourceGroup.name),
    target: { kind: 'newHost', subscriptionId, name },
    details: `${wizardContext.image!.label}, ${request.vmSize}, subnet ${request.subnetId}, identity ${systemAssigned ? 'system' : 'no system'} + ${identities.length} user-assigned`,
    run: (options) => operations.createVirtualMachine(request, options),
    script: () => scriptRequest,
    applied: (created) => {
      store.addHost(created);
      return {
        message: t("Created virtual machine '{0}' with {1}.", created.name, describeNewVmIdentity(systemAssigned, identities.map((identity) => identity.name), t)),
        resourceId: created.id,
        followUps: [...grantAccessFollowUps(services, created), ...hostFollowUps(services, created)],
      };
    },
  });
}
