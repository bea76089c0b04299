// Create User-Assigned Identity...: a wizard (name, resource group, location), then one create call through runWrite,
// as every write ends.
import * as vscode from 'vscode';
import type { IdentityHost, Subscription, UserAssignedIdentity } from '../../identity/model';
import type { CreateUserAssignedIdentityRequest } from '../../identity/operations';
import { vmNodeOf, type TreeNode } from '../../tree/nodes';
import { AzureWizard, callWithTelemetryAndErrorHandling, type IActionContext } from '../../ui/azext';
import { runIdentityWrite } from '../../ui/hostWrites';
import { copyToClipboard } from '../../ui/followUps';
import { ReviewWithScriptStep } from '../../ui/scriptActions';
import { runWrite, type FollowUp } from '../../ui/writePipeline';
import { pickSubscription } from '../resolveHost';
import type { Services } from '../services';
import type { CreateIdentityWizardContext } from './CreateIdentityWizardContext';
import { IdentityNameStep } from './IdentityNameStep';
import { LocationStep } from './LocationStep';
import { ResourceGroupStep } from './ResourceGroupStep';

const t = vscode.l10n.t;

/**
 * Runs the wizard and creates the identity; returns it. With `followUps`, a notification offers them; without, the
 * caller goes on (Assign's "Create new user-assigned identity..." entry assigns it next).
 */
export async function runCreateIdentityWizard(
  context: IActionContext,
  services: Services,
  subscription: Subscription,
  vm: IdentityHost | undefined,
  followUps?: (created: UserAssignedIdentity) => FollowUp[],
): Promise<UserAssignedIdentity> {
  const wizardContext: CreateIdentityWizardContext = Object.assign(context, {
    operations: services.operations,
    subscription,
    vm,
  });
  const requestOf = (answered: CreateIdentityWizardContext): CreateUserAssignedIdentityRequest => ({
    subscriptionId: subscription.subscriptionId,
    resourceGroup: answered.resourceGroup!.name,
    name: answered.newIdentityName!,
    location: answered.location!,
  });
  // On its own, the command ends with a review that offers the script; inside Assign, Assign's pick said already that
  // a script can only name identities that exist.
  const review = new ReviewWithScriptStep<CreateIdentityWizardContext>((answered) => {
    const request = requestOf(answered);
    return {
      question: t("Create the user-assigned identity '{0}' in resource group '{1}' ({2})?", request.name, request.resourceGroup, request.location),
      confirmLabel: t('Create'),
      script: { kind: 'createUserAssignedIdentity', request },
    };
  });
  const wizard = new AzureWizard(wizardContext, {
    title: vm ? t("Create User-Assigned Identity for '{0}'", services.store.hostLabel(vm)) : t('Create User-Assigned Identity'),
    promptSteps: [new IdentityNameStep(), new ResourceGroupStep(), new LocationStep(), ...(followUps ? [review] : [])],
  });
  await wizard.prompt();
  const request = requestOf(wizardContext);
  const { name, resourceGroup, location } = request;
  return runWrite(services, {
    title: t("Creating user-assigned identity '{0}' in '{1}'...", name, resourceGroup),
    target: { kind: 'newResource', name },
    details: `${resourceGroup}, ${location}`,
    run: (options) => services.operations.createUserAssignedIdentity(request, options),
    script: () => ({ kind: 'createUserAssignedIdentity', request }),
    applied: (created) => ({
      message: t("Created user-assigned identity '{0}' in resource group '{1}' ({2}).", created.name, created.resourceGroup, created.location),
      resourceId: created.id,
      followUps: followUps?.(created),
    }),
  });
}

export async function createUserAssignedIdentity(context: IActionContext, services: Services, node?: TreeNode): Promise<void> {
  const vmNode = vmNodeOf(node);
  const subscription = vmNode?.subscription ?? (node?.kind === 'subscription' ? node.subscription : await pickSubscription(context, services));
  const vm = vmNode && services.store.host(vmNode.ref);
  await runCreateIdentityWizard(context, services, subscription, vm, (created) => [
    ...(vm ? [assignFollowUp(services, vm, created)] : []),
    { title: t('Copy Client ID'), run: () => copyToClipboard(t('client ID'), created.clientId) },
  ]);
}

/** "Assign to '<vm>'": a new action, with its own error handling, since the create command has finished by then. */
function assignFollowUp(services: Services, vm: IdentityHost, created: UserAssignedIdentity): FollowUp {
  return {
    title: t("Assign to '{0}'", services.store.hostLabel(vm)),
    run: async () => {
      await callWithTelemetryAndErrorHandling('azureVmIdentities.assignUserAssigned', async () => {
        await runIdentityWrite(services, vm, t("Assigning '{0}' to '{1}'...", created.name, services.store.hostLabel(vm)), {
          kind: 'assignUserAssigned',
          ids: [created.id],
        });
      });
    },
  };
}
