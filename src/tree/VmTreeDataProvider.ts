// Subscriptions -> VMs -> system-assigned identity (-> group memberships) and user-assigned identities.
// A plain TreeDataProvider (see README "Design notes"): it caches what it loaded, so a write refreshes only its VM.
import * as vscode from 'vscode';
import { hasSystemAssigned, userAssignedCount } from '../identity/identityChange';
import type { EntraGroup, Subscription, VirtualMachine, VmIdentity, VmRef } from '../identity/model';
import type { IdentityOperations } from '../identity/operations';
import { resourceNameFromId } from '../identity/resourceIds';
import { describeError } from '../ui/errors';
import {
  errorContextValue,
  groupContextValue,
  infoContextValue,
  subscriptionContextValue,
  systemIdentityContextValue,
  userIdentitiesContextValue,
  userIdentityContextValue,
  vmContextValue,
  type Activity,
} from './contextValues';
import { systemIdentityDescription, userIdentitiesDescription, vmDescription, vmIcon } from './descriptions';
import type { ErrorNode, SubscriptionNode, SystemIdentityNode, TreeNode, VmNode } from './nodes';
import type { SessionLike } from './session';
import type { SubscriptionFilter } from './subscriptionFilter';

export const VMS_VIEW_ID = 'azureVmIdentities.vms';

const t = vscode.l10n.t;

export class VmTreeDataProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;

  /** Loaded VMs by subscription id; a missing entry means "load on next expand". */
  private readonly vmsBySubscription = new Map<string, Promise<VmNode[] | ErrorNode>>();
  /** Every VM node handed to VS Code, by lower-cased resource id, so a write can refresh exactly its item. */
  private readonly vmNodes = new Map<string, VmNode>();
  /** The subscription nodes last handed to VS Code, by id: a change to one subscription fires exactly its node. */
  private readonly subscriptionNodes = new Map<string, SubscriptionNode>();
  /** VMs with a write under way: the operation's name. */
  private readonly updating = new Map<string, string>();

  constructor(
    private readonly operations: IdentityOperations,
    private readonly session: SessionLike,
    private readonly subscriptionFilter: SubscriptionFilter,
  ) {}

  dispose(): void {
    this.changeEmitter.dispose();
  }

  /** Reloads everything (no node), one subscription, or one VM. */
  async refresh(node?: TreeNode): Promise<void> {
    if (node?.kind === 'vm') {
      node.memberships = undefined; // an explicit refresh reads the groups again too
      await this.reloadVm(node.vm);
      return;
    }
    if (node?.kind === 'subscription') {
      this.vmsBySubscription.delete(node.subscription.subscriptionId);
      this.changeEmitter.fire(node);
      return;
    }
    this.vmsBySubscription.clear();
    this.vmNodes.clear();
    this.changeEmitter.fire(undefined);
  }

  /** Retry for an error node: reloads what failed. */
  async retry(node: ErrorNode): Promise<void> {
    if (node.retry?.kind === 'systemIdentity') {
      // Retry is an explicit action: this time Microsoft Graph may ask for consent.
      node.retry.vmNode.memberships = undefined;
      node.retry.vmNode.allowSignInPrompt = true;
      this.changeEmitter.fire(node.retry);
      return;
    }
    await this.refresh(node.retry);
  }

  /** Marks a VM as being written to ("Updating..."), or not. */
  setUpdating(vm: VmRef, operation: string | undefined): void {
    const key = vm.id.toLowerCase();
    if (operation === undefined) {
      this.updating.delete(key);
    } else {
      this.updating.set(key, operation);
    }
    this.fireVm(vm);
  }

  /** After a write: shows the identity Azure returned, without reloading the subscription. */
  applyIdentity(vm: VmRef, identity: VmIdentity): void {
    const node = this.vmNodes.get(vm.id.toLowerCase());
    if (node) {
      this.setVm(node, { ...node.vm, identity });
    }
    this.fireVm(vm);
  }

  /** The system identity's direct groups, when the tree has loaded them (undefined: not loaded, or Graph refused). */
  knownMemberships(vm: VmRef): EntraGroup[] | undefined {
    const memberships = this.vmNodes.get(vm.id.toLowerCase())?.memberships;
    return memberships && 'groups' in memberships ? memberships.groups : undefined;
  }

  /**
   * After a group write: `update` gives the new list from the loaded one (no Graph request); without `update`, or
   * when nothing was loaded, the list is reloaded the next time it is shown.
   */
  updateMemberships(vm: VmRef, update?: (groups: EntraGroup[]) => EntraGroup[]): void {
    const node = this.vmNodes.get(vm.id.toLowerCase());
    if (!node) {
      return;
    }
    const known = this.knownMemberships(vm);
    node.memberships = update && known ? { groups: update(known) } : undefined;
    this.fireSystemIdentity(node);
  }

  /** After a create: the new VM joins its subscription's loaded list without a request, so the other VMs keep their
   *  loaded groups; a subscription not loaded yet lists it when expanded. */
  async addVm(vm: VirtualMachine): Promise<void> {
    const node = this.subscriptionNodes.get(vm.subscriptionId);
    const loaded = await this.vmsBySubscription.get(vm.subscriptionId);
    if (!node || !Array.isArray(loaded)) {
      return;
    }
    const key = vm.id.toLowerCase();
    const vmNode: VmNode = { kind: 'vm', subscription: node.subscription, vm };
    this.vmNodes.set(key, vmNode);
    const vmNodes = [...loaded.filter((other) => other.vm.id.toLowerCase() !== key), vmNode].sort((a, b) => compareVms(a.vm, b.vm));
    this.vmsBySubscription.set(vm.subscriptionId, Promise.resolve(vmNodes));
    this.changeEmitter.fire(node);
  }

  /** The VMs of a subscription as the tree has them (no request), or undefined when it has not loaded them. */
  loadedVms(subscriptionId: string): Promise<VirtualMachine[]> | undefined {
    return this.vmsBySubscription.get(subscriptionId)?.then((result) => (Array.isArray(result) ? result.map((node) => node.vm) : []));
  }

  /** Lists one subscription's VMs again (e.g. after a cancelled create), leaving the other subscriptions as loaded. */
  async reloadSubscription(subscriptionId: string): Promise<void> {
    const node = this.subscriptionNodes.get(subscriptionId);
    if (node) {
      await this.refresh(node);
    }
  }

  /** Re-reads one VM from Azure (after a failed or cancelled write, so the tree shows the true state). */
  async reloadVm(vm: VmRef): Promise<void> {
    const node = this.vmNodes.get(vm.id.toLowerCase());
    try {
      const fresh = await this.operations.getVirtualMachine(vm);
      if (node) {
        this.setVm(node, fresh);
      }
      this.fireVm(vm);
    } catch {
      // The VM may be gone, or Azure unreachable: reload its subscription, which shows an error node if it fails.
      if (node) {
        await this.refresh({ kind: 'subscription', subscription: node.subscription });
        this.changeEmitter.fire(undefined);
      }
    }
  }

  /** The latest state of a VM the tree has loaded. */
  knownVm(vm: VmRef): VirtualMachine | undefined {
    return this.vmNodes.get(vm.id.toLowerCase())?.vm;
  }

  /** A new state of the VM; its group memberships stay known unless its system identity's principal changed. */
  private setVm(node: VmNode, vm: VirtualMachine): void {
    if (node.vm.identity.principalId !== vm.identity.principalId || !hasSystemAssigned(vm.identity.type)) {
      node.memberships = undefined;
    }
    node.vm = vm;
  }

  private fireSystemIdentity(node: VmNode): void {
    this.changeEmitter.fire(node.children?.system ?? node);
  }

  private fireVm(vm: VmRef): void {
    const node = this.vmNodes.get(vm.id.toLowerCase());
    if (node) {
      this.changeEmitter.fire(node);
    }
  }

  private activity(vm: VmRef): Activity {
    return this.updating.has(vm.id.toLowerCase()) ? 'updating' : 'idle';
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const None = vscode.TreeItemCollapsibleState.None;
    const Collapsed = vscode.TreeItemCollapsibleState.Collapsed;
    switch (node.kind) {
      case 'subscription': {
        const item = new vscode.TreeItem(node.subscription.displayName, Collapsed);
        item.id = `subscription/${node.subscription.subscriptionId}`;
        item.description = node.subscription.subscriptionId;
        item.tooltip = t('Subscription {0}\nTenant {1}', node.subscription.subscriptionId, node.subscription.tenantId);
        item.iconPath = new vscode.ThemeIcon('azure');
        item.contextValue = subscriptionContextValue();
        return item;
      }
      case 'vm': {
        const { vm } = node;
        const activity = this.activity(vm);
        const item = new vscode.TreeItem(vm.name, Collapsed);
        item.id = vm.id.toLowerCase();
        item.description = vmDescription(vm, activity === 'updating', t);
        const icon = vmIcon(vm.identity, activity === 'updating');
        item.iconPath = new vscode.ThemeIcon(icon.id, icon.color ? new vscode.ThemeColor(icon.color) : undefined);
        item.contextValue = vmContextValue(vm.identity, activity);
        const operation = this.updating.get(vm.id.toLowerCase());
        item.tooltip = new vscode.MarkdownString(
          [
            `**${vm.name}**`,
            t('Resource group: {0}', vm.resourceGroup),
            t('Location: {0}', vm.location),
            t('Identity type: {0}', vm.identity.type),
            ...(operation ? [t('Updating: {0}', operation)] : []),
          ].join('  \n'),
        );
        return item;
      }
      case 'systemIdentity': {
        const { vm } = node.vmNode;
        const on = hasSystemAssigned(vm.identity.type);
        const memberships = node.vmNode.memberships;
        const groupCount = memberships && 'groups' in memberships ? memberships.groups.length : undefined;
        const item = new vscode.TreeItem(t('System-assigned identity'), on ? Collapsed : None);
        item.id = `${vm.id.toLowerCase()}/system`;
        item.description = systemIdentityDescription(vm.identity, t);
        item.iconPath = new vscode.ThemeIcon(on ? 'pass-filled' : 'circle-slash');
        item.tooltip = on
          ? t('Principal ID: {0}\nTenant ID: {1}', vm.identity.principalId ?? '', vm.identity.tenantId ?? '')
          : t('The system-assigned identity is off.');
        item.contextValue = systemIdentityContextValue(vm.identity, groupCount, this.activity(vm));
        return item;
      }
      case 'group': {
        const { vm } = node.vmNode;
        const item = new vscode.TreeItem(node.group.displayName, None);
        item.id = `${vm.id.toLowerCase()}/group/${node.group.id}`;
        item.description = t('group');
        item.tooltip = [node.group.displayName, node.group.description, node.group.id].filter(Boolean).join('\n');
        item.iconPath = new vscode.ThemeIcon('organization');
        item.contextValue = groupContextValue(this.activity(vm));
        return item;
      }
      case 'userIdentities': {
        const { vm } = node.vmNode;
        const count = userAssignedCount(vm.identity);
        const item = new vscode.TreeItem(t('User-assigned identities'), count > 0 ? Collapsed : None);
        item.id = `${vm.id.toLowerCase()}/user`;
        item.description = userIdentitiesDescription(vm.identity, t);
        item.iconPath = new vscode.ThemeIcon('person');
        item.contextValue = userIdentitiesContextValue(vm.identity, this.activity(vm));
        return item;
      }
      case 'userIdentity': {
        const item = new vscode.TreeItem(resourceNameFromId(node.id), None);
        item.id = `${node.vmNode.vm.id.toLowerCase()}/user/${node.id.toLowerCase()}`;
        item.description = node.clientId;
        item.tooltip = [
          node.id,
          node.clientId && t('Client ID: {0}', node.clientId),
          node.principalId && t('Principal ID: {0}', node.principalId),
        ].filter(Boolean).join('\n');
        item.iconPath = new vscode.ThemeIcon('key');
        item.contextValue = userIdentityContextValue(this.activity(node.vmNode.vm));
        return item;
      }
      case 'error': {
        const item = new vscode.TreeItem(node.message, None);
        item.id = node.id;
        item.tooltip = node.message;
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
        item.contextValue = errorContextValue();
        item.command = { command: 'azureVmIdentities.retry', title: t('Retry'), arguments: [node] };
        return item;
      }
      case 'info': {
        const item = new vscode.TreeItem(node.label, None);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('info');
        item.contextValue = infoContextValue();
        return item;
      }
    }
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) {
      return this.rootChildren();
    }
    switch (node.kind) {
      case 'subscription':
        return this.vmChildren(node);
      case 'vm':
        // No request here: the groups load only when "System-assigned identity" is expanded.
        node.children ??= { system: { kind: 'systemIdentity', vmNode: node }, user: { kind: 'userIdentities', vmNode: node } };
        return [node.children.system, node.children.user];
      case 'systemIdentity': {
        if (!hasSystemAssigned(node.vmNode.vm.identity.type)) {
          return [];
        }
        await this.loadMemberships(node);
        const memberships = node.vmNode.memberships;
        const vmId = node.vmNode.vm.id.toLowerCase();
        if (!memberships) {
          return [];
        }
        if ('error' in memberships) {
          return [
            {
              kind: 'error',
              id: `${vmId}/system/error`,
              message: t('Could not load group memberships: {0}', describeError(memberships.error)),
              retry: node,
            },
          ];
        }
        if (memberships.groups.length === 0) {
          return [{ kind: 'info', id: `${vmId}/system/noGroups`, label: t('Not a member of any group') }];
        }
        return [...memberships.groups]
          .sort((a, b) => a.displayName.localeCompare(b.displayName))
          .map((group) => ({ kind: 'group', vmNode: node.vmNode, group }));
      }
      case 'userIdentities':
        return Object.entries(node.vmNode.vm.identity.userAssignedIdentities ?? {})
          .sort(([a], [b]) => resourceNameFromId(a).localeCompare(resourceNameFromId(b)))
          .map(([id, attached]) => ({
            kind: 'userIdentity',
            vmNode: node.vmNode,
            id,
            clientId: attached.clientId,
            principalId: attached.principalId,
          }));
      default:
        return [];
    }
  }

  private async rootChildren(): Promise<TreeNode[]> {
    if (this.session.status !== 'signedIn') {
      return []; // the welcome content (package.json viewsWelcome) offers Sign In
    }
    let subscriptions: Subscription[];
    try {
      subscriptions = await this.withViewProgress(() => this.operations.listSubscriptions());
    } catch (error) {
      return [{ kind: 'error', id: 'root/error', message: t('Could not list subscriptions: {0}', describeError(error)), retry: undefined }];
    }
    this.subscriptionNodes.clear();
    return this.subscriptionFilter
      .apply(subscriptions)
      .sort((a, b) => a.displayName.localeCompare(b.displayName))
      .map((subscription): SubscriptionNode => {
        const node: SubscriptionNode = { kind: 'subscription', subscription };
        this.subscriptionNodes.set(subscription.subscriptionId, node);
        return node;
      });
  }

  private async vmChildren(node: SubscriptionNode): Promise<TreeNode[]> {
    const subscriptionId = node.subscription.subscriptionId;
    let loading = this.vmsBySubscription.get(subscriptionId);
    if (!loading) {
      loading = this.loadVms(node);
      this.vmsBySubscription.set(subscriptionId, loading);
    }
    const result = await loading;
    if (!Array.isArray(result)) {
      this.vmsBySubscription.delete(subscriptionId); // retry loads again
      return [result];
    }
    if (result.length === 0) {
      return [{ kind: 'info', id: `subscription/${subscriptionId}/empty`, label: t('No virtual machines') }];
    }
    return result;
  }

  private async loadVms(node: SubscriptionNode): Promise<VmNode[] | ErrorNode> {
    try {
      const vms = await this.withViewProgress(() => this.operations.listVirtualMachines(node.subscription.subscriptionId));
      return vms
        .sort(compareVms)
        .map((vm) => {
          const existing = this.vmNodes.get(vm.id.toLowerCase());
          const vmNode: VmNode = existing ?? { kind: 'vm', subscription: node.subscription, vm };
          vmNode.vm = vm;
          vmNode.memberships = undefined; // (re)loading a subscription is a refresh: the groups are read again when shown
          this.vmNodes.set(vm.id.toLowerCase(), vmNode);
          return vmNode;
        });
    } catch (error) {
      return {
        kind: 'error',
        id: `subscription/${node.subscription.subscriptionId}/error`,
        message: t('Could not load virtual machines: {0}', describeError(error)),
        retry: node,
      };
    }
  }

  /** Loads the groups once; then refreshes the system identity's item, whose contextValue carries their count. */
  private async loadMemberships(systemNode: SystemIdentityNode): Promise<void> {
    const node = systemNode.vmNode;
    if (node.memberships) {
      return;
    }
    const vm = node.vm;
    // Expanding an item stays silent (no consent prompt) unless the user asked for it with Retry.
    const options = { allowSignInPrompt: node.allowSignInPrompt ?? false };
    node.allowSignInPrompt = undefined;
    let memberships: VmNode['memberships'];
    try {
      // The VM as listed, so the operations module can use its principal without reading the VM again.
      memberships = { groups: await this.operations.listGroupMemberships(vm, options) };
    } catch (error) {
      memberships = { error };
    }
    if (node.vm.identity.principalId === vm.identity.principalId) {
      node.memberships = memberships;
      this.changeEmitter.fire(systemNode);
    }
  }

  private withViewProgress<T>(task: () => Promise<T>): Promise<T> {
    return Promise.resolve(vscode.window.withProgress({ location: { viewId: VMS_VIEW_ID } }, task));
  }
}

/** The tree's order of VMs: by resource group, then name. */
function compareVms(a: VirtualMachine, b: VirtualMachine): number {
  return a.resourceGroup.localeCompare(b.resourceGroup) || a.name.localeCompare(b.name);
}
