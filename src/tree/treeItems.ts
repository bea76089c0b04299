// Each tree item is a function of the store's state for its kind: what VS Code shows (label, description, icon,
// tooltip) and the contextValue that package.json's menus select actions by.
import * as vscode from 'vscode';
import { hasSystemAssigned, userAssignedCount } from '../identity/identityChange';
import type { EntraGroup, IdentityHost, Subscription } from '../identity/model';
import { resourceKey, resourceNameFromId } from '../identity/resourceIds';
import type { ScopeNames } from '../identity/scopes';
import { consumersText, roleAssignmentText } from '../ui/accessItems';
import { hostKindDetails, systemIdentityDescription, userIdentitiesDescription, vmDescription, vmIcon } from '../ui/hostDescriptions';
import {
  errorContextValue,
  groupContextValue,
  infoContextValue,
  roleAssignmentContextValue,
  roleAssignmentsContextValue,
  subscriptionContextValue,
  systemIdentityContextValue,
  userIdentitiesContextValue,
  userIdentityContextValue,
  vmContextValue,
  type Activity,
} from './contextValues';
import type { ErrorNode, InfoNode, RoleAssignmentNode, RoleAssignmentsNode, UserIdentityNode } from './nodes';

const t = vscode.l10n.t;
const None = vscode.TreeItemCollapsibleState.None;
const Collapsed = vscode.TreeItemCollapsibleState.Collapsed;

/** What the items of one host show: its state and the title of the write under way, if any. */
export interface HostView {
  host: IdentityHost;
  updating: string | undefined;
}

function activityOf(view: HostView): Activity {
  return view.updating === undefined ? 'idle' : 'updating';
}

/** The item ids under a host start with its key, so they stay the same however the host's id is spelt. */
function hostItemId(host: IdentityHost): string {
  return resourceKey(host.id);
}

export function subscriptionItem(subscription: Subscription): vscode.TreeItem {
  const item = new vscode.TreeItem(subscription.displayName, Collapsed);
  item.id = `subscription/${subscription.subscriptionId}`;
  item.description = subscription.subscriptionId;
  item.tooltip = t('Subscription {0}\nTenant {1}', subscription.subscriptionId, subscription.tenantId);
  item.iconPath = new vscode.ThemeIcon('azure');
  item.contextValue = subscriptionContextValue();
  return item;
}

export function vmItem(view: HostView): vscode.TreeItem {
  const { host, updating } = view;
  const activity = activityOf(view);
  const item = new vscode.TreeItem(host.name, Collapsed);
  item.id = hostItemId(host);
  item.description = vmDescription(host, activity === 'updating', t);
  const icon = vmIcon(host.identity, activity === 'updating', host.kind);
  item.iconPath = new vscode.ThemeIcon(icon.id, icon.color ? new vscode.ThemeColor(icon.color) : undefined);
  item.contextValue = vmContextValue(host.identity, activity, host.kind);
  item.tooltip = new vscode.MarkdownString(
    [
      `**${host.name}**`,
      t('Resource group: {0}', host.resourceGroup),
      t('Location: {0}', host.location),
      t('Identity type: {0}', host.identity.type),
      // The description's short summary ("system + 2 user") in full.
      ...(userAssignedCount(host.identity) > 0 ? [t('User-assigned identities: {0}', userAssignedCount(host.identity))] : []),
      ...hostKindDetails(host, t),
      ...(updating ? [t('Updating: {0}', updating)] : []),
    ].join('  \n'),
  );
  return item;
}

/** `groupCount` is undefined while the memberships are unknown (not loaded, or Graph refused). */
export function systemIdentityItem(view: HostView, groupCount: number | undefined): vscode.TreeItem {
  const { identity } = view.host;
  const on = hasSystemAssigned(identity.type);
  const item = new vscode.TreeItem(t('System-assigned identity'), on ? Collapsed : None);
  item.id = `${hostItemId(view.host)}/system`;
  item.description = systemIdentityDescription(identity, t);
  item.iconPath = new vscode.ThemeIcon(on ? 'pass-filled' : 'circle-slash');
  item.tooltip = on
    ? t('Principal ID: {0}\nTenant ID: {1}', identity.principalId ?? '', identity.tenantId ?? '')
    : t('The system-assigned identity is off.');
  item.contextValue = systemIdentityContextValue(identity, groupCount, activityOf(view));
  return item;
}

export function groupItem(view: HostView, group: EntraGroup): vscode.TreeItem {
  const item = new vscode.TreeItem(group.displayName, None);
  item.id = `${hostItemId(view.host)}/group/${group.id}`;
  item.description = t('group');
  item.tooltip = [group.displayName, group.description, group.id].filter(Boolean).join('\n');
  item.iconPath = new vscode.ThemeIcon('organization');
  item.contextValue = groupContextValue(activityOf(view));
  return item;
}

export function userIdentitiesItem(view: HostView): vscode.TreeItem {
  const { identity } = view.host;
  const item = new vscode.TreeItem(t('User-assigned identities'), userAssignedCount(identity) > 0 ? Collapsed : None);
  item.id = `${hostItemId(view.host)}/user`;
  item.description = userIdentitiesDescription(identity, t);
  item.iconPath = new vscode.ThemeIcon('person');
  item.contextValue = userIdentitiesContextValue(identity, activityOf(view));
  return item;
}

/** `consumers`: the VMs that use the identity across the selected subscriptions, once loaded. */
export function userIdentityItem(view: HostView, node: UserIdentityNode, consumers: readonly IdentityHost[] | undefined): vscode.TreeItem {
  // Collapsible when it has a principal: its role assignments are listed under it.
  const item = new vscode.TreeItem(resourceNameFromId(node.id), node.principalId ? Collapsed : None);
  item.id = `${hostItemId(view.host)}/user/${resourceKey(node.id)}`;
  item.description = consumers ? consumersText(consumers, t) : node.clientId;
  item.tooltip = [
    node.id,
    node.clientId && t('Client ID: {0}', node.clientId),
    node.principalId && t('Principal ID: {0}', node.principalId),
    consumers && consumersText(consumers, t),
  ].filter(Boolean).join('\n');
  item.iconPath = new vscode.ThemeIcon('key');
  item.contextValue = userIdentityContextValue(activityOf(view));
  return item;
}

export function roleAssignmentsItem(view: HostView, node: RoleAssignmentsNode): vscode.TreeItem {
  const item = new vscode.TreeItem(t('Azure role assignments'), Collapsed);
  item.id = node.userAssignedId ? `${hostItemId(view.host)}/user/${resourceKey(node.userAssignedId)}/roles` : `${hostItemId(view.host)}/system/roles`;
  item.tooltip = t('What this identity can reach in Azure (role assignments in the subscription)');
  item.iconPath = new vscode.ThemeIcon('shield');
  item.contextValue = roleAssignmentsContextValue(activityOf(view));
  return item;
}

export function roleAssignmentItem(view: HostView, node: RoleAssignmentNode, names: ScopeNames): vscode.TreeItem {
  const text = roleAssignmentText(node.entry, names, t);
  const item = new vscode.TreeItem(text.label, None);
  const parentId = node.parent.userAssignedId ? `user/${resourceKey(node.parent.userAssignedId)}` : 'system';
  item.id = `${hostItemId(view.host)}/${parentId}/roles/${resourceKey(node.entry.assignment.id)}`;
  item.description = text.description;
  item.tooltip = text.tooltip;
  item.iconPath = new vscode.ThemeIcon(node.entry.inherited ? 'arrow-down' : 'key');
  item.contextValue = roleAssignmentContextValue(node.entry.inherited, activityOf(view));
  return item;
}

export function errorItem(node: ErrorNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.message, None);
  item.id = node.id;
  item.tooltip = node.message;
  item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
  item.contextValue = errorContextValue();
  item.command = { command: 'azureVmIdentities.retry', title: t('Retry'), arguments: [node] };
  return item;
}

export function infoItem(node: InfoNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.label, None);
  item.id = node.id;
  item.iconPath = new vscode.ThemeIcon(node.icon ?? 'info');
  item.contextValue = infoContextValue();
  return item;
}
