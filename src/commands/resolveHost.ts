// How a command finds its host: the tree item it was run on, or (from the palette) a subscription pick then a pick of
// its VMs and scale sets.
// Either way the command gets the host's latest state from the store.
import * as vscode from 'vscode';
import type { IdentityHost, Subscription } from '../identity/model';
import { vmNodeOf, type TreeNode, type VmNode } from '../tree/nodes';
import type { IActionContext } from '../ui/azext';
import { vmRefFromAzureViewItem } from '../ui/azureViewItem';
import { sameResourceId } from '../identity/resourceIds';
import type { ScriptOperation } from '../identity/scripts/equivalentScript';
import { pickOne, pickWithSearch } from '../ui/quickPick';
import { filterEntries, subscriptionItems, vmItems } from '../ui/quickPickItems';
import type { Services } from './services';
import { isWriteRunning } from '../ui/writePipeline';

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
  const loading = services.store.loadSubscriptions().then((all) => {
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

export interface HostRequirement {
  /** Which hosts the command applies to. */
  applies(host: IdentityHost): boolean;
  /** Shown when no VM of the subscription applies, e.g. "No VM in {0} has a system-assigned identity". */
  noneMessage(subscriptionName: string): string;
}

export interface ResolvedHost {
  /** The host's latest state, as the store has it. */
  host: IdentityHost;
  subscription: Subscription;
  /** The tree item the command ran on, when it ran from the tree. */
  node?: TreeNode;
}

/**
 * The host of the clicked tree item, or one the user picks (subscription first) among those the command applies to.
 * With `scriptOf`, the host pick is the command's last step: each host offers "Copy as Script..." (nothing sent).
 */
export async function resolveHost(
  context: IActionContext,
  services: Services,
  node: TreeNode | undefined,
  requirement?: HostRequirement,
  scriptOf?: (host: IdentityHost) => ScriptOperation,
): Promise<ResolvedHost> {
  const vmNode = vmNodeOf(node);
  const known = vmNode && services.store.host(vmNode.ref);
  if (vmNode && known) {
    return { host: known, subscription: vmNode.subscription, node };
  }
  const subscription = await pickSubscription(context, services);
  // VMs and scale sets: every identity command works on both. A host being written to says so in the pick.
  const loading = Promise.all([
    services.operations.listVirtualMachines(subscription.subscriptionId),
    services.operations.listScaleSets(subscription.subscriptionId),
  ]).then(([vms, scaleSets]) =>
    vmItems<IdentityHost>([...vms, ...scaleSets].filter((host) => requirement?.applies(host) ?? true), t, (host) =>
      services.store.updating(host) ?? (isWriteRunning(services.store, host) ? t('a change is running') : undefined),
    ),
  );
  const placeHolder = t('Select a virtual machine or scale set');
  const noneMessage = requirement?.noneMessage(subscription.displayName) ?? t('No virtual machines in {0}', subscription.displayName);
  const host = scriptOf
    ? // context.ui's picks take no item buttons: the same list in a pick that does, filtered as it is typed.
      (
        await pickWithSearch<IdentityHost>(
          {
            placeholder: placeHolder,
            debounceMs: 0,
            search: async (text) => ({ entries: filterEntries(await loading, text) }),
            noMatches: (text) => (text ? t("No virtual machine or scale set matches '{0}'", text) : noneMessage),
            scriptOf,
          },
          () => false,
        )
      ).data
    : await pickOne(context, loading, {
        placeHolder,
        loadingPlaceHolder: t('Loading virtual machines and scale sets...'),
        noPicksMessage: noneMessage,
        stepName: 'virtualMachine',
      });
  // Just read from Azure: the tree and the JSON tab show it too.
  services.store.applyHost(host);
  return { host, subscription };
}

/**
 * The VM of an item of the Azure view (Azure Resources' VM nodes, our "Managed Identities" submenu), as a node of our
 * own: its subscription among the signed-in ones, and the VM read fresh into the store, so resolveHost finds it as it
 * finds a VM of our tree. Undefined when the item is no VM's.
 */
export async function vmNodeFromAzureViewItem(services: Services, item: unknown): Promise<VmNode | undefined> {
  const ref = vmRefFromAzureViewItem(item);
  if (!ref) {
    return undefined;
  }
  await ensureSignedIn(services);
  const subscription = (await services.store.loadSubscriptions()).find((candidate) => sameResourceId(candidate.subscriptionId, ref.subscriptionId));
  if (!subscription) {
    throw new Error(t('The virtual machine {0} is in subscription {1}, which your sign-in does not reach. Sign in to its tenant, then try again.', ref.name, ref.subscriptionId));
  }
  const host = await services.operations.getHost(ref);
  services.store.applyHost(host);
  return { kind: 'vm', subscription, ref: host };
}
