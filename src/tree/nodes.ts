// The tree's elements: plain references into the store (the state itself lives there). VmTreeDataProvider hands the
// same object out for the same resource, so a store change refreshes exactly its item.
import type { RoleAssignmentEntry } from '../identity/accessOperations';
import type { EntraGroup, IdentityHostRef, Subscription } from '../identity/model';

export interface SubscriptionNode {
  kind: 'subscription';
  subscription: Subscription;
}

export interface VmNode {
  kind: 'vm';
  subscription: Subscription;
  /** The host in the store. */
  ref: IdentityHostRef;
  /** The VM's two child items, made once when first expanded, so that the tree can refresh them by reference. */
  children?: { system: SystemIdentityNode; user: UserIdentitiesNode };
}

export interface SystemIdentityNode {
  kind: 'systemIdentity';
  vmNode: VmNode;
  /** Its "Azure role assignments" child, made once. */
  roleAssignments?: RoleAssignmentsNode;
}

/** "Azure role assignments" under an identity of a VM: the system-assigned one, or the user-assigned one `userAssignedId`. */
export interface RoleAssignmentsNode {
  kind: 'roleAssignments';
  vmNode: VmNode;
  /** Undefined: the VM's system-assigned identity. */
  userAssignedId?: string;
}

export interface RoleAssignmentNode {
  kind: 'roleAssignment';
  vmNode: VmNode;
  parent: RoleAssignmentsNode;
  entry: RoleAssignmentEntry;
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
  /** Its "Azure role assignments" child. */
  roleAssignments?: RoleAssignmentsNode;
}

/** A failed load: shows the message, and Retry reloads `retry` (undefined: the whole tree). */
export interface ErrorNode {
  kind: 'error';
  id: string;
  message: string;
  retry: SubscriptionNode | SystemIdentityNode | RoleAssignmentsNode | undefined;
}

export interface InfoNode {
  kind: 'info';
  id: string;
  label: string;
  /** A codicon id; 'info' when absent. */
  icon?: string;
}

export type TreeNode =
  | SubscriptionNode
  | VmNode
  | SystemIdentityNode
  | GroupNode
  | UserIdentitiesNode
  | UserIdentityNode
  | RoleAssignmentsNode
  | RoleAssignmentNode
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

/** What VS Code passes a command: the tree element it ran on, or nothing (palette) or something else (ignored). */
export function isTreeNode(value: unknown): value is TreeNode {
  return typeof value === 'object' && value !== null && 'kind' in value && typeof value.kind === 'string';
}
