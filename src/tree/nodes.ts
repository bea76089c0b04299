// The tree's elements. Plain data: VmTreeDataProvider turns them into TreeItems and children.
import type { EntraGroup, Subscription, VirtualMachine } from '../identity/model';

export interface SubscriptionNode {
  kind: 'subscription';
  subscription: Subscription;
}

export interface VmNode {
  kind: 'vm';
  subscription: Subscription;
  vm: VirtualMachine;
  /**
   * Direct group memberships of the system-assigned identity: loaded only when its "System-assigned identity" item is
   * expanded (a Microsoft Graph call, which may ask for consent), kept while its principal stays the same.
   */
  memberships?: { groups: EntraGroup[] } | { error: unknown };
  /** Set by Retry: the next memberships load may show Microsoft Graph's consent prompt. */
  allowSignInPrompt?: boolean;
  /** The VM's two child items, made once so that the tree can refresh them by reference. */
  children?: { system: SystemIdentityNode; user: UserIdentitiesNode };
}

export interface SystemIdentityNode {
  kind: 'systemIdentity';
  vmNode: VmNode;
}

export interface GroupNode {
  kind: 'group';
  vmNode: VmNode;
  group: EntraGroup;
}

export interface UserIdentitiesNode {
  kind: 'userIdentities';
  vmNode: VmNode;
}

export interface UserIdentityNode {
  kind: 'userIdentity';
  vmNode: VmNode;
  /** Full resource id, as the VM lists it. */
  id: string;
  clientId?: string;
  principalId?: string;
}

/** A failed load: shows the message, and Retry reloads `retry` (undefined: the whole tree). */
export interface ErrorNode {
  kind: 'error';
  id: string;
  message: string;
  retry: SubscriptionNode | SystemIdentityNode | undefined;
}

export interface InfoNode {
  kind: 'info';
  id: string;
  label: string;
}

export type TreeNode =
  | SubscriptionNode
  | VmNode
  | SystemIdentityNode
  | GroupNode
  | UserIdentitiesNode
  | UserIdentityNode
  | ErrorNode
  | InfoNode;

/** The VM a node belongs to, if any. */
export function vmNodeOf(node: TreeNode | undefined): VmNode | undefined {
  if (!node) {
    return undefined;
  }
  if (node.kind === 'vm') {
    return node;
  }
  return 'vmNode' in node ? node.vmNode : undefined;
}

export function isTreeNode(value: unknown): value is TreeNode {
  return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string';
}
