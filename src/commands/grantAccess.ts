// Grant Access... (issue 9): on a VM, on either identity or its "Azure role assignments" item, or from the palette.
// Which identity (when the VM has more than one) -> where (the subscription, a resource group, or a resource found by
// typing part of its name, filtered by type) -> which role (most used first, with descriptions, held ones marked) ->
// one write through runWrite, which waits out directory replication and says "already has" when it has.
import * as vscode from 'vscode';
import { principalName, type AccessPrincipal } from '../identity/accessOperations';
import type { IdentityHost, Subscription } from '../identity/model';
import type { RoleDefinition } from '../identity/roles';
import { roleAlreadyHeldMessage } from '../identity/roles';
import { describeScope } from '../identity/scopes';
import { grantRoleScript } from '../identity/scripts/roleScripts';
import type { TreeNode } from '../tree/nodes';
import {
  accessPrincipalOf,
  accessPrincipals,
  grantPrincipalItems,
  resourceGroupScopeItems,
  resourceScopeItems,
  resourceTypeItems,
  roleEntries,
  scopeKindItems,
} from '../ui/accessItems';
import { runGrantAccess } from '../ui/accessWrites';
import { UserCancelledError, type IActionContext } from '../ui/azext';
import { pickOne, pickWithSearch } from '../ui/quickPick';
import { filterEntries } from '../ui/quickPickItems';
import { resolveHost } from './resolveHost';
import type { Services } from './services';
import { hasPrincipal } from './vmRequirements';

const t = vscode.l10n.t;

export async function grantAccess(context: IActionContext, services: Services, node?: TreeNode): Promise<void> {
  const { host, subscription } = await resolveHost(context, services, node, hasPrincipal);
  await grantAccessTo(context, services, host, subscription, node);
}

/** Grant Access for a host already known (the follow-up after Enable, Assign or Create VM). */
export async function grantAccessTo(context: IActionContext, services: Services, host: IdentityHost, subscription: Subscription, node?: TreeNode): Promise<void> {
  const principal = principalOfNode(host, node) ?? (await pickPrincipal(context, host, services.store.hostLabel(host)));
  const scope = await pickScope(context, services, subscription, principal);
  const role = await pickRole(services, principal, scope);
  if (!role) {
    return;
  }
  await runGrantAccess(services, host, principal, scope, role);
}

/** The identity the command ran on, when it ran on one (or on its role assignments). */
function principalOfNode(host: IdentityHost, node: TreeNode | undefined): AccessPrincipal | undefined {
  switch (node?.kind) {
    case 'systemIdentity':
      return accessPrincipalOf(host);
    case 'userIdentity':
      return accessPrincipalOf(host, node.id);
    case 'roleAssignments':
      return accessPrincipalOf(host, node.userAssignedId);
    case 'roleAssignment':
      return accessPrincipalOf(host, node.parent.userAssignedId);
    default:
      return undefined;
  }
}

async function pickPrincipal(context: IActionContext, host: IdentityHost, label: string): Promise<AccessPrincipal> {
  const principals = accessPrincipals(host);
  if (principals.length === 0) {
    throw new Error(t("'{0}' has no managed identity yet. Enable its system-assigned identity or assign a user-assigned identity first.", label));
  }
  if (principals.length === 1) {
    return principals[0];
  }
  return pickOne(context, grantPrincipalItems(principals, t), { placeHolder: t("Select the identity of '{0}' to grant access to", label), stepName: 'identity' });
}

async function pickScope(context: IActionContext, services: Services, subscription: Subscription, principal: AccessPrincipal): Promise<string> {
  const subscriptionId = subscription.subscriptionId;
  const kind = await pickOne(context, scopeKindItems(subscription, t), {
    placeHolder: t("Where should '{0}' have access?", principalName(principal, services.store.hostLabel)),
    stepName: 'scopeKind',
  });
  if (kind === 'subscription') {
    return `/subscriptions/${subscriptionId}`;
  }
  if (kind === 'resourceGroup') {
    return pickOne(context, services.operations.listResourceGroups(subscriptionId).then((groups) => resourceGroupScopeItems(subscriptionId, groups)), {
      placeHolder: t('Select a resource group'),
      loadingPlaceHolder: t('Loading resource groups...'),
      noPicksMessage: t('No resource groups in {0}', subscription.displayName),
      stepName: 'resourceGroup',
    });
  }
  const resourceType = await pickOne(context, resourceTypeItems(t), { placeHolder: t('Which kind of resource?'), stepName: 'resourceType' });
  const picked = await pickWithSearch<{ id: string } | undefined>(
    {
      title: t('Grant Access: find the resource'),
      placeholder: t('Type part of the resource name'),
      search: async (text, signal) => {
        return { entries: resourceScopeItems(await services.operations.access.searchScopes(subscriptionId, text, resourceType, { signal }), t) };
      },
      noMatches: (text) => t("No resource matches '{0}'", text),
    },
    () => false,
  );
  if (!picked.data) {
    throw new UserCancelledError('grantAccess.resource');
  }
  return picked.data.id;
}

/** The role, or undefined when the identity already holds the one picked there (said in a notification). */
async function pickRole(services: Services, principal: AccessPrincipal, scope: string): Promise<RoleDefinition | undefined> {
  const names = services.operations.accessGuard.scopeNames;
  const entries = services.operations.access.listRoleChoices(principal, scope).then((choices) => roleEntries(choices, names, t));
  const picked = await pickWithSearch<RoleDefinition>(
    {
      title: t("Grant Access: role for '{0}' on {1}", principalName(principal, services.store.hostLabel), describeScope(scope, names, t)),
      placeholder: t('Select a role (type to filter)'),
      debounceMs: 0,
      search: async (text) => ({ entries: filterEntries(await entries, text) }),
      noMatches: (text) => t("No role matches '{0}'", text),
      scriptOf: (role) => grantRoleScript(principal, scope, role),
    },
    () => false,
  );
  if (picked.locked) {
    void vscode.window.showInformationMessage(roleAlreadyHeldMessage(principalName(principal, services.store.hostLabel), picked.data.roleName, scope, names, t));
    return undefined;
  }
  return picked.data;
}
