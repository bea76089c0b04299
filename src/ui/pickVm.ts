// How a command finds its VM: the tree item it was run on, or (from the palette) a subscription pick then a VM pick.
import * as vscode from 'vscode';
import type { Subscription, VirtualMachine, VmRef } from '../identity/model';
import { subscriptionItems, vmItems } from './quickPickItems';
import { isTreeNode, vmNodeOf, type TreeNode } from '../tree/nodes';
import { vmRefFromAzureViewItem } from './azureViewItem';
import type { IActionContext } from './azext';
import { pickOne } from './quickPick';
import type { Services } from './services';

const t = vscode.l10n.t;

/** Signs in first when needed, so palette commands work from a signed-out window. */
export async function ensureSignedIn(services: Services): Promise<void> {
  if (services.session.status !== 'signedIn') {
    await services.session.signIn();
  }
  if (services.session.status !== 'signedIn') {
    throw new Error(t('Sign in to Azure first.'));
  }
}

export async function pickSubscription(context: IActionContext, services: Services): Promise<Subscription> {
  await ensureSignedIn(services);
  const loading = services.operations.listSubscriptions().then((all) => {
    const shown = services.subscriptionFilter.apply(all);
    return subscriptionItems(shown.length > 0 ? shown : all);
  });
  return pickOne(context, loading, {
    placeHolder: t('Select a subscription'),
    loadingPlaceHolder: t('Loading subscriptions...'),
    noPicksMessage: t('No subscriptions found'),
    stepName: 'subscription',
  });
}

export interface VmRequirement {
  /** Which VMs the command applies to. */
  applies(vm: VirtualMachine): boolean;
  /** Shown when no VM of the subscription applies, e.g. "No VM in {0} has a system-assigned identity". */
  noneMessage(subscriptionName: string): string;
}

export interface ResolvedVm {
  vm: VirtualMachine;
  subscription: Subscription;
  /** The tree item the command ran on, when it ran from the tree. */
  node?: TreeNode;
}

/** The VM of the clicked tree item, or one the user picks (subscription first) among those the command applies to. */
export async function resolveVm(
  context: IActionContext,
  services: Services,
  node: unknown,
  requirement?: VmRequirement,
): Promise<ResolvedVm> {
  const vmNode = isTreeNode(node) ? vmNodeOf(node) : undefined;
  if (vmNode && isTreeNode(node)) {
    return { vm: vmNode.vm, subscription: vmNode.subscription, node };
  }
  const azureViewVm = vmRefFromAzureViewItem(node);
  if (azureViewVm) {
    return resolveAzureViewVm(services, azureViewVm);
  }
  const subscription = await pickSubscription(context, services);
  const loading = services.operations
    .listVirtualMachines(subscription.subscriptionId)
    .then((vms) => vmItems(vms.filter((vm) => requirement?.applies(vm) ?? true), t));
  const vm = await pickOne(context, loading, {
    placeHolder: t('Select a virtual machine'),
    loadingPlaceHolder: t('Loading virtual machines...'),
    noPicksMessage: requirement?.noneMessage(subscription.displayName) ?? t('No virtual machines in {0}', subscription.displayName),
    stepName: 'virtualMachine',
  });
  return { vm, subscription };
}

/** A VM from the Azure view (Azure Resources): its subscription among the signed-in ones, and the VM read fresh. */
async function resolveAzureViewVm(services: Services, ref: VmRef): Promise<ResolvedVm> {
  await ensureSignedIn(services);
  const subscription = (await services.operations.listSubscriptions()).find((candidate) => candidate.subscriptionId.toLowerCase() === ref.subscriptionId.toLowerCase());
  if (!subscription) {
    throw new Error(t('The virtual machine {0} is in subscription {1}, which your sign-in does not reach. Sign in to its tenant, then try again.', ref.name, ref.subscriptionId));
  }
  return { vm: await services.operations.getVirtualMachine(ref), subscription };
}
