// Subscriptions -> VMs -> system-assigned identity (-> group memberships) and user-assigned identities.
// A plain TreeDataProvider (see README "Design notes"): it maps the store's state to nodes, asks the store to load
// what a person expands, and turns the store's change events into refreshes of exactly the items concerned.
import * as vscode from 'vscode';
import { principalIdOf } from '../identity/accessOperations';
import { hasSystemAssigned } from '../identity/identityChange';
import type { IdentityHost, Subscription } from '../identity/model';
import { sortBy } from '../identity/ordering';
import { resourceKey, resourceNameFromId } from '../identity/resourceIds';
import { hostRef, type ResourceStore, type StoreChange } from '../store/resourceStore';
import type { SessionLike } from '../ui/accountSession';
import { describeError } from '../ui/describeError';
import { accessPrincipalOf } from '../ui/accessItems';
import type { ErrorNode, RoleAssignmentsNode, SubscriptionNode, TreeNode, UserIdentityNode, VmNode } from './nodes';
import type { SubscriptionFilter } from './subscriptionFilter';
import {
  errorItem,
  groupItem,
  infoItem,
  roleAssignmentItem,
  roleAssignmentsItem,
  subscriptionItem,
  systemIdentityItem,
  userIdentitiesItem,
  userIdentityItem,
  vmItem,
  type HostView,
} from './treeItems';
import { VMS_VIEW_ID } from './viewIds';

const t = vscode.l10n.t;

export class VmTreeDataProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;

  /** The subscription nodes last handed to VS Code, by lower-cased id: a change to one subscription fires exactly its node. */
  private readonly subscriptionNodes = new Map<string, SubscriptionNode>();
  /** Every VM node handed to VS Code, by resourceKey: the same object each time, so a change refreshes exactly its item. */
  private readonly vmNodes = new Map<string, VmNode>();
  private readonly storeListener: { dispose(): void };
  /** The "Azure role assignments" and user-assigned identity nodes last handed out, by item id, so that a change of a
   *  principal's assignments or of an identity's consumers refreshes exactly those items. */
  private readonly roleAssignmentsNodes = new Map<string, RoleAssignmentsNode>();
  private readonly userIdentityNodes = new Map<string, UserIdentityNode>();
  /** A subscription listing whose first page was shown (with "Loading more subscriptions..."): the root refresh that
   *  its end fires shows its whole answer rather than listing again. */
  private completingSubscriptions: Promise<Subscription[]> | undefined;
  /** Subscriptions by their display names, for scopes. */
  private readonly scopeNames = { subscriptionName: (id: string) => this.subscriptionNodes.get(resourceKey(id))?.subscription.displayName };

  constructor(
    private readonly store: ResourceStore,
    private readonly session: SessionLike,
    private readonly subscriptionFilter: SubscriptionFilter,
  ) {
    this.storeListener = store.onDidChange((change) => this.forward(change));
  }

  dispose(): void {
    this.storeListener.dispose();
    this.changeEmitter.dispose();
  }

  private forward(change: StoreChange): void {
    switch (change.kind) {
      case 'all':
        this.completingSubscriptions = undefined; // listed again for what changed
        this.changeEmitter.fire(undefined);
        return;
      case 'subscription': {
        const node = this.subscriptionNodes.get(resourceKey(change.subscriptionId));
        if (node) {
          this.changeEmitter.fire(node);
        }
        return;
      }
      case 'host': {
        const node = this.vmNodes.get(change.key);
        if (node) {
          // The group count is in the system identity's contextValue; the rest shows on the VM and its children.
          this.changeEmitter.fire(change.aspect === 'memberships' ? (node.children?.system ?? node) : node);
        }
        return;
      }
      case 'roleAssignments':
        for (const node of this.roleAssignmentsNodes.values()) {
          const principal = this.principalOf(node);
          if (principal && resourceKey(principalIdOf(principal)) === change.principalKey) {
            this.changeEmitter.fire(node);
          }
        }
        return;
      case 'consumers':
        for (const node of this.userIdentityNodes.values()) {
          if (resourceKey(node.id) === change.identityKey) {
            this.changeEmitter.fire(node);
          }
        }
        return;
    }
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    switch (node.kind) {
      case 'subscription':
        return subscriptionItem(node.subscription);
      case 'vm':
        return vmItem(this.viewOf(node));
      case 'systemIdentity': {
        const groups = this.store.knownGroups(node.vmNode.ref);
        return systemIdentityItem(this.viewOf(node.vmNode), groups?.length);
      }
      case 'group':
        return groupItem(this.viewOf(node.vmNode), node.group);
      case 'userIdentities':
        return userIdentitiesItem(this.viewOf(node.vmNode));
      case 'userIdentity': {
        const consumers = this.store.consumers(node.id);
        if (!consumers) {
          void this.store.loadConsumers(node.id); // fires 'consumers' when known, which refreshes this item
        }
        return userIdentityItem(this.viewOf(node.vmNode), node, consumers?.status === 'loaded' ? consumers.value : undefined);
      }
      case 'roleAssignments':
        return roleAssignmentsItem(this.viewOf(node.vmNode), node);
      case 'roleAssignment':
        return roleAssignmentItem(this.viewOf(node.vmNode), node, this.scopeNames);
      case 'error':
        return errorItem(node);
      case 'info':
        return infoItem(node);
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
        const { ref } = node.vmNode;
        if (!hasSystemAssigned(this.viewOf(node.vmNode).host.identity.type)) {
          return [];
        }
        // "Azure role assignments" first (it loads only when expanded), then the groups.
        node.roleAssignments ??= { kind: 'roleAssignments', vmNode: node.vmNode };
        const roles = this.remember(node.roleAssignments);
        await this.store.loadMemberships(ref);
        const memberships = this.store.memberships(ref);
        const key = resourceKey(ref.id);
        if (!memberships) {
          return [roles];
        }
        if (memberships.status === 'failed') {
          return [
            roles,
            { kind: 'error', id: `${key}/system/error`, message: t('Could not load group memberships: {0}', describeError(memberships.error)), retry: node },
          ];
        }
        if (memberships.value.length === 0) {
          return [roles, { kind: 'info', id: `${key}/system/noGroups`, label: t('Not a member of any group') }];
        }
        return [roles, ...sortBy(memberships.value, (group) => group.displayName).map((group): TreeNode => ({ kind: 'group', vmNode: node.vmNode, group }))];
      }
      case 'userIdentity': {
        if (!node.principalId) {
          return [];
        }
        node.roleAssignments ??= { kind: 'roleAssignments', vmNode: node.vmNode, userAssignedId: node.id };
        return [this.remember(node.roleAssignments)];
      }
      case 'roleAssignments':
        return this.roleAssignmentChildren(node);
      case 'userIdentities': {
        const attached = Object.entries(this.viewOf(node.vmNode).host.identity.userAssignedIdentities ?? {});
        return sortBy(attached, ([id]) => resourceNameFromId(id)).map(([id, identity]) => {
          const itemKey = `${resourceKey(node.vmNode.ref.id)}/user/${resourceKey(id)}`;
          const known = this.userIdentityNodes.get(itemKey);
          // The same node while the identity stays, so its role assignments child stays too.
          const userNode: UserIdentityNode =
            known && known.vmNode === node.vmNode && known.principalId === identity.principalId
              ? { ...known, clientId: identity.clientId }
              : { kind: 'userIdentity', vmNode: node.vmNode, id, clientId: identity.clientId, principalId: identity.principalId };
          this.userIdentityNodes.set(itemKey, userNode);
          return userNode;
        });
      }
      default:
        return [];
    }
  }

  /** The assignments of the node's identity: loaded when first expanded, then from the store. */
  private async roleAssignmentChildren(node: RoleAssignmentsNode): Promise<TreeNode[]> {
    const principal = this.principalOf(node);
    if (!principal) {
      return [];
    }
    await this.store.loadRoleAssignments(principal);
    const assignments = this.store.roleAssignments(principalIdOf(principal));
    const id = `${resourceKey(node.vmNode.ref.id)}/${node.userAssignedId ? resourceKey(node.userAssignedId) : 'system'}/roles`;
    if (!assignments) {
      return [];
    }
    if (assignments.status === 'failed') {
      return [{ kind: 'error', id: `${id}/error`, message: t('Could not load role assignments: {0}', describeError(assignments.error)), retry: node }];
    }
    if (assignments.value.length === 0) {
      return [{ kind: 'info', id: `${id}/none`, label: t('No role assignments') }];
    }
    return assignments.value.map((entry) => ({ kind: 'roleAssignment', vmNode: node.vmNode, parent: node, entry }));
  }

  /** The identity a role-assignments node lists, as the store has its host now. */
  private principalOf(node: RoleAssignmentsNode) {
    const host = this.store.host(node.vmNode.ref);
    return host && accessPrincipalOf(host, node.userAssignedId);
  }

  private remember(node: RoleAssignmentsNode): RoleAssignmentsNode {
    this.roleAssignmentsNodes.set(`${resourceKey(node.vmNode.ref.id)}/${node.userAssignedId ? resourceKey(node.userAssignedId) : 'system'}`, node);
    return node;
  }

  private viewOf(node: VmNode): HostView {
    const host = this.store.host(node.ref);
    if (!host) {
      // The store keeps every host it has listed, so a node handed to VS Code always has its state.
      throw new Error(`No state for ${node.ref.id}`);
    }
    return { host, updating: this.store.updating(node.ref) };
  }

  private async rootChildren(): Promise<TreeNode[]> {
    if (this.session.status !== 'signedIn') {
      return []; // the welcome content (package.json viewsWelcome) offers Sign In
    }
    let listing: { subscriptions: Subscription[]; complete: boolean };
    try {
      const completing = this.completingSubscriptions;
      this.completingSubscriptions = undefined;
      listing = completing ? { subscriptions: await completing, complete: true } : await this.withViewProgress(() => this.listSubscriptionsAsTheyCome());
    } catch (error) {
      return [{ kind: 'error', id: 'root/error', message: t('Could not list subscriptions: {0}', describeError(error)), retry: undefined }];
    }
    this.subscriptionNodes.clear();
    const shown = this.subscriptionFilter.apply(listing.subscriptions);
    // Many subscriptions load together in one query (Resource Graph), so expanding any of them finds its hosts ready.
    this.store.prefetchHosts(shown.map((subscription) => subscription.subscriptionId));
    const nodes = sortBy(shown, (subscription) => subscription.displayName).map((subscription): TreeNode => {
      const node: SubscriptionNode = { kind: 'subscription', subscription };
      this.subscriptionNodes.set(resourceKey(subscription.subscriptionId), node);
      return node;
    });
    return listing.complete ? nodes : [...nodes, { kind: 'info', id: 'root/loadingMore', label: t('Loading more subscriptions...'), icon: 'loading~spin' }];
  }

  /**
   * The whole list when it comes in one page. Otherwise the first page at once, and the whole list on the root refresh
   * that its end fires. Each page's shown subscriptions start loading their hosts as it arrives, so the first VMs do
   * not wait for the last page of a long subscription list.
   */
  private listSubscriptionsAsTheyCome(): Promise<{ subscriptions: Subscription[]; complete: boolean }> {
    return new Promise((resolve, reject) => {
      const firstPage: Subscription[] = [];
      let shownFirst = false;
      const whole: Promise<Subscription[]> = this.store.loadSubscriptions((page, morePages) => {
        this.store.prefetchHosts(this.subscriptionFilter.apply(page).map((subscription) => subscription.subscriptionId));
        if (morePages && !shownFirst) {
          shownFirst = true;
          firstPage.push(...page);
          // After this call returns: `whole` is assigned by then even if a source told its page at once.
          queueMicrotask(() => {
            this.completingSubscriptions = whole;
            const refresh = () => {
              if (this.completingSubscriptions === whole) {
                this.changeEmitter.fire(undefined);
              }
            };
            whole.then(refresh, refresh);
            resolve({ subscriptions: firstPage, complete: false });
          });
        }
      });
      whole.then(
        (subscriptions) => shownFirst || resolve({ subscriptions, complete: true }),
        (error: unknown) => shownFirst || reject(error),
      );
    });
  }

  private async vmChildren(node: SubscriptionNode): Promise<TreeNode[]> {
    const subscriptionId = node.subscription.subscriptionId;
    const known = this.store.hostsState(subscriptionId);
    // The view's progress bar only while nothing of the list is known; a long list shows its first part at once, with
    // an item that says more follow, and the store's change when it is complete shows the rest.
    const hosts = known?.status === 'loaded' || (known?.status === 'loading' && known.partial) ? known : await this.withViewProgress(() => this.store.loadSomeHosts(subscriptionId));
    if (hosts.status === 'loading') {
      const more: TreeNode = { kind: 'info', id: `subscription/${subscriptionId}/loadingMore`, label: t('Loading more virtual machines...'), icon: 'loading~spin' };
      return [...(hosts.partial ?? []).map((host) => this.vmNodeFor(node.subscription, host)), more];
    }
    if (hosts.status === 'failed') {
      const error: ErrorNode = {
        kind: 'error',
        id: `subscription/${subscriptionId}/error`,
        message: t('Could not load virtual machines: {0}', describeError(hosts.error)),
        retry: node,
      };
      return [error];
    }
    if (hosts.value.length === 0) {
      return [{ kind: 'info', id: `subscription/${subscriptionId}/empty`, label: t('No virtual machines') }];
    }
    return hosts.value.map((host) => this.vmNodeFor(node.subscription, host));
  }

  private vmNodeFor(subscription: Subscription, host: IdentityHost): VmNode {
    const key = resourceKey(host.id);
    const existing = this.vmNodes.get(key);
    if (existing) {
      existing.subscription = subscription;
      return existing;
    }
    const node: VmNode = { kind: 'vm', subscription, ref: hostRef(host) };
    this.vmNodes.set(key, node);
    return node;
  }

  private withViewProgress<T>(task: () => Promise<T>): Promise<T> {
    return Promise.resolve(vscode.window.withProgress({ location: { viewId: VMS_VIEW_ID } }, task));
  }
}
