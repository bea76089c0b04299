// What an identity can reach (issue 9), in the style of operations.ts: each call reads or writes through the ports,
// checks the signed-in principal's permissions before every write (AccessGuard, so no caller can skip it), and throws
// IdentityError with words for a person. Role assignments are listed with one server-side request filtered by
// principalId; a grant waits out directory replication (PrincipalNotFound) and tells "already has the role" apart.
import type { AccessGuard } from './accessGuard';
import { abortError, type Clock } from './clock';
import { toIdentityError, type ErrorContext } from './errorWording';
import { IdentityError } from './identityError';
import { defaultLocalize, type Localize } from './localize';
import type { AzureResource, IdentityHost, IdentityHostRef, OperationOptions, UserAssignedIdentity } from './model';
import { sortBy } from './ordering';
import { accessRequirement } from './permissions';
import type { AzureClientProvider, SubscriptionClients } from './ports';
import { parseUserAssignedIdentityId, resourceKey, sameResourceId } from './resourceIds';
import {
  isRoleAssignmentExists,
  newRoleAssignment,
  retryWhilePrincipalReplicates,
  roleAlreadyHeldMessage,
  roleChoices,
  roleDefinitionGuid,
  type RoleAssignment,
  type RoleChoice,
  type RoleDefinition,
} from './roles';
import { describeScope, isInheritedAssignment, parseScope } from './scopes';

/** Whose access: a host's system-assigned identity, or a user-assigned identity. */
export type AccessPrincipal =
  | { kind: 'systemAssigned'; host: IdentityHostRef; principalId: string }
  | { kind: 'userAssigned'; identity: Pick<UserAssignedIdentity, 'id' | 'name' | 'subscriptionId' | 'principalId'> };

/** The principal's object id. */
export function principalIdOf(principal: AccessPrincipal): string {
  return principal.kind === 'systemAssigned' ? principal.principalId : principal.identity.principalId;
}

/** The subscription the principal's assignments are listed in: its host's, or the identity's own. */
export function subscriptionOf(principal: AccessPrincipal): string {
  return principal.kind === 'systemAssigned' ? principal.host.subscriptionId : principal.identity.subscriptionId;
}

/** The name a message uses: the host's label for its system-assigned identity (it has none of its own; the label names
 *  the resource group where host names collide, `ResourceStore.hostLabel`), else the identity's name. */
export function principalName(principal: AccessPrincipal, hostLabel: (host: IdentityHostRef) => string): string {
  return principal.kind === 'systemAssigned' ? hostLabel(principal.host) : principal.identity.name;
}

/** One assignment as the tree shows it. */
export interface RoleAssignmentEntry {
  assignment: RoleAssignment;
  /** The role's name (its GUID when the definition could not be read). */
  roleName: string;
  /** Assigned above the subscription it was listed in (a management group or the root). */
  inherited: boolean;
}

export interface AccessChangeResult {
  /** 'unchanged': nothing to do (the identity already had the role, or the assignment was already gone). */
  status: 'changed' | 'unchanged';
  /** The assignment as Azure answered (a grant that created one). */
  assignment?: RoleAssignment;
  message: string;
}

/** What deleting a user-assigned identity leaves behind, shown before it is deleted. */
export interface IdentityDeletionImpact {
  /** The hosts that still use the identity, across the subscriptions asked. */
  consumers: IdentityHost[];
  /** Its role assignments, which Azure leaves in place, orphaned. */
  assignments: RoleAssignmentEntry[];
}

export interface AccessOperationsOptions {
  localize?: Localize;
  /** The waits between grant attempts while a new identity replicates (default roles.replicationRetryDelays()). */
  replicationDelays?: readonly number[];
  clock?: Clock;
  /** A new assignment's name; crypto.randomUUID by default. */
  newGuid?: () => string;
  /** What every error message needs (language, sign-in), from the identity operations. */
  errorContext?: () => ErrorContext;
  /** How messages name a host (IdentityOperationsOptions.hostLabel); its name by default. */
  hostLabel?: (host: IdentityHostRef) => string;
}

/**
 * Lists each host of a subscription that can carry user-assigned identities. Virtual machines today; the scale-set
 * issue adds its list here, and consumers and Delete's warning include scale sets with no other change.
 */
export const identityHostLists: ((clients: SubscriptionClients, options: OperationOptions | undefined) => Promise<IdentityHost[]>)[] = [
  (clients, options) => clients.virtualMachines.list({ signal: options?.signal }),
];

export class AccessOperations {
  private readonly t: Localize;
  /** Role definitions per subscription, read once: they name the assignments in every list. */
  private readonly roleNames = new Map<string, Promise<Map<string, RoleDefinition>>>();

  constructor(
    private readonly clients: AzureClientProvider,
    private readonly guard: AccessGuard,
    private readonly options: AccessOperationsOptions = {},
  ) {
    this.t = options.localize ?? defaultLocalize;
  }

  private principalLabel(principal: AccessPrincipal): string {
    return principalName(principal, this.options.hostLabel ?? ((host) => host.name));
  }

  // ---------- Reads ----------

  /** The principal's role assignments in its subscription (at, above and below it), from one request filtered by
   *  principalId, ordered by role name then scope. */
  listRoleAssignments(principal: AccessPrincipal, options?: OperationOptions): Promise<RoleAssignmentEntry[]> {
    const name = this.principalLabel(principal);
    return this.run({ operation: this.t("list the role assignments of '{0}'", name) }, options, async () => {
      const subscriptionId = subscriptionOf(principal);
      const clients = await this.clientsFor(subscriptionId, options);
      const subscriptionScope = `/subscriptions/${subscriptionId}`;
      const assignments = (await clients.roleAssignments.listForPrincipal(subscriptionScope, principalIdOf(principal), { signal: options?.signal }))
        // The filter asks for this principal; a service that ignored it must not show someone else's access.
        .filter((assignment) => resourceKey(assignment.principalId) === resourceKey(principalIdOf(principal)));
      return this.entries(clients, assignments, subscriptionScope, options);
    });
  }

  /** The roles assignable at `scope`, in Grant Access's order, each marked when the principal already holds it there
   *  or from above. */
  listRoleChoices(principal: AccessPrincipal, scope: string, options?: OperationOptions): Promise<RoleChoice[]> {
    return this.run({ operation: this.t('list the roles assignable at {0}', describeScope(scope, this.guard.scopeNames, this.t)) }, options, async () => {
      const clients = await this.clientsFor(this.subscriptionOfScope(scope), options);
      const signal = options?.signal;
      const [roles, assignments] = await Promise.all([
        clients.roleDefinitions.list(scope, { signal }),
        clients.roleAssignments.listForPrincipal(scope, principalIdOf(principal), { signal }),
      ]);
      return roleChoices(roles, assignments, principalIdOf(principal), scope);
    });
  }

  /** Resources of a subscription whose name contains `text`, optionally of one type, by name. */
  searchScopes(subscriptionId: string, text: string, resourceType?: string, options?: OperationOptions): Promise<AzureResource[]> {
    return this.run({ operation: this.t('search resources') }, options, async () => {
      const clients = await this.clientsFor(subscriptionId, options);
      const found = await clients.resources.list({ nameContains: text, resourceType }, { signal: options?.signal });
      return sortBy(found, (resource) => [resource.name, resource.resourceGroup]);
    });
  }

  /** The hosts that use a user-assigned identity, across `subscriptionIds` (a subscription that fails to list is
   *  left out rather than hiding the others; it is named in `failed`). */
  async listIdentityConsumers(
    identityId: string,
    subscriptionIds: readonly string[],
    options?: OperationOptions,
  ): Promise<{ consumers: IdentityHost[]; failed: { subscriptionId: string; error: IdentityError }[] }> {
    const answers = await Promise.allSettled(
      subscriptionIds.map((subscriptionId) =>
        this.run({ operation: this.t('list virtual machines') }, options, async () => {
          const clients = await this.clientsFor(subscriptionId, options);
          const hosts = (await Promise.all(identityHostLists.map((list) => list(clients, options)))).flat();
          return hosts.filter((host) => Object.keys(host.identity.userAssignedIdentities).some((id) => sameResourceId(id, identityId)));
        }),
      ),
    );
    if (options?.signal?.aborted) {
      throw toIdentityError(abortError(), this.context({}));
    }
    const consumers: IdentityHost[] = [];
    const failed: { subscriptionId: string; error: IdentityError }[] = [];
    answers.forEach((answer, index) => {
      if (answer.status === 'fulfilled') {
        consumers.push(...answer.value);
      } else {
        failed.push({ subscriptionId: subscriptionIds[index], error: toIdentityError(answer.reason, this.context({})) });
      }
    });
    return { consumers: sortBy(consumers, (host) => [host.name, host.resourceGroup]), failed };
  }

  /** What deleting the identity would leave: the hosts still using it and its role assignments. */
  async describeIdentityDeletion(identity: UserAssignedIdentity, subscriptionIds: readonly string[], options?: OperationOptions): Promise<IdentityDeletionImpact> {
    const [consumers, assignments] = await Promise.all([
      this.listIdentityConsumers(identity.id, subscriptionIds, options),
      this.listRoleAssignments({ kind: 'userAssigned', identity }, options),
    ]);
    return { consumers: consumers.consumers, assignments };
  }

  // ---------- Writes: each checks the signed-in principal's permissions first ----------

  /**
   * Gives the principal `role` at `scope` (principalType ServicePrincipal, a new GUID name). While ARM answers
   * PrincipalNotFound (an identity enabled moments ago has not replicated), waits and tries again for about a minute,
   * saying why in the progress. RoleAssignmentExists is 'unchanged': it already has the role.
   */
  grantAccess(principal: AccessPrincipal, scope: string, role: Pick<RoleDefinition, 'id' | 'roleName'>, options?: OperationOptions): Promise<AccessChangeResult> {
    const t = this.t;
    const name = this.principalLabel(principal);
    const names = this.guard.scopeNames;
    const where = () => describeScope(scope, names, t);
    return this.run({ operation: t("grant '{0}' to '{1}'", role.roleName, name) }, options, async () => {
      const signal = options?.signal;
      const progress = options?.onProgress ?? (() => {});
      const clients = await this.clientsFor(this.subscriptionOfScope(scope), options);
      progress(t('Checking your permissions on {0}…', where()));
      await this.guard.ensureAllowed([accessRequirement('createRoleAssignment', scope)], { signal });
      const request = newRoleAssignment(scope, role.id, principalIdOf(principal), this.options.newGuid ?? (() => crypto.randomUUID()));
      progress(t("Granting '{0}' on {1}…", role.roleName, where()));
      try {
        const assignment = await retryWhilePrincipalReplicates(() => clients.roleAssignments.create(request, { signal }), {
          onProgress: progress,
          signal,
          clock: this.options.clock,
          delays: this.options.replicationDelays,
          localize: t,
        });
        return { status: 'changed', assignment, message: t("Granted '{0}' on {1} to '{2}'.", role.roleName, where(), name) };
      } catch (error) {
        if (isRoleAssignmentExists(error)) {
          return { status: 'unchanged', message: roleAlreadyHeldMessage(name, role.roleName, scope, names, t) };
        }
        throw error;
      }
    });
  }

  /** Removes one assignment (at its own scope: an inherited one changes the scope it comes from). */
  revokeAccess(principal: AccessPrincipal, assignment: RoleAssignment, roleName: string, options?: OperationOptions): Promise<AccessChangeResult> {
    const t = this.t;
    const name = this.principalLabel(principal);
    const where = () => describeScope(assignment.scope, this.guard.scopeNames, t);
    return this.run({ operation: t("revoke '{0}' from '{1}'", roleName, name) }, options, async () => {
      const signal = options?.signal;
      const progress = options?.onProgress ?? (() => {});
      const clients = await this.clientsFor(this.subscriptionOfScope(assignment.scope), options);
      progress(t('Checking your permissions on {0}…', where()));
      await this.guard.ensureAllowed([accessRequirement('deleteRoleAssignment', assignment.scope)], { signal });
      progress(t("Revoking '{0}' on {1}…", roleName, where()));
      const deleted = await clients.roleAssignments.delete(assignment.id, { signal });
      return deleted
        ? { status: 'changed', message: t("Revoked '{0}' on {1} from '{2}'.", roleName, where(), name) }
        : { status: 'unchanged', message: t("'{0}' no longer had '{1}' on {2}.", name, roleName, where()) };
    });
  }

  /** Deletes a user-assigned identity. Its role assignments stay behind, orphaned; hosts keep a reference to it. */
  deleteUserAssignedIdentity(identity: Pick<UserAssignedIdentity, 'id' | 'name' | 'subscriptionId' | 'resourceGroup'>, options?: OperationOptions): Promise<AccessChangeResult> {
    const t = this.t;
    const context: ErrorContext = { operation: t("delete the user-assigned identity '{0}'", identity.name), identityIds: [identity.id] };
    return this.run(context, options, async () => {
      const signal = options?.signal;
      const progress = options?.onProgress ?? (() => {});
      const clients = await this.clientsFor(identity.subscriptionId, options);
      progress(t("Checking your permissions on '{0}'…", identity.name));
      await this.guard.ensureAllowed([accessRequirement('deleteUserAssignedIdentity', identity.id)], { signal });
      progress(t("Deleting '{0}'…", identity.name));
      const resourceGroup = parseUserAssignedIdentityId(identity.id)?.resourceGroup ?? identity.resourceGroup;
      const deleted = await clients.userAssignedIdentities.delete(resourceGroup, identity.name, { signal });
      return deleted
        ? { status: 'changed', message: t("Deleted the user-assigned identity '{0}'.", identity.name) }
        : { status: 'unchanged', message: t("The user-assigned identity '{0}' was already deleted.", identity.name) };
    });
  }

  // ---------- Helpers ----------

  private async entries(clients: SubscriptionClients, assignments: RoleAssignment[], listedAt: string, options?: OperationOptions): Promise<RoleAssignmentEntry[]> {
    const roles = await this.rolesOf(clients, assignments, options);
    const entries = assignments.map((assignment) => ({
      assignment,
      roleName: roles.get(roleDefinitionGuid(assignment.roleDefinitionId))?.roleName ?? roleDefinitionGuid(assignment.roleDefinitionId),
      inherited: isInheritedAssignment(assignment.scope, listedAt),
    }));
    return sortBy(entries, (entry) => [entry.roleName, entry.assignment.scope]);
  }

  /** Role definitions by GUID: the subscription's list (read once), and any role it lacks by id. */
  private async rolesOf(clients: SubscriptionClients, assignments: RoleAssignment[], options?: OperationOptions): Promise<Map<string, RoleDefinition>> {
    const subscriptionId = clients.subscription.subscriptionId;
    const key = resourceKey(subscriptionId);
    let listing = this.roleNames.get(key);
    if (!listing) {
      listing = clients.roleDefinitions
        .list(`/subscriptions/${subscriptionId}`, { signal: options?.signal })
        .then((roles) => new Map(roles.map((role) => [roleDefinitionGuid(role.id), role])));
      this.roleNames.set(key, listing);
      listing.catch(() => this.roleNames.delete(key));
    }
    const known = await listing;
    const missing = [...new Set(assignments.map((a) => a.roleDefinitionId).filter((id) => !known.has(roleDefinitionGuid(id))))];
    // A role defined elsewhere (e.g. a custom role of a management group) is read by its id; if that fails the GUID shows.
    const extra = await Promise.allSettled(missing.map((id) => clients.roleDefinitions.get(id, { signal: options?.signal })));
    const all = new Map(known);
    for (const answer of extra) {
      if (answer.status === 'fulfilled') {
        all.set(roleDefinitionGuid(answer.value.id), answer.value);
      }
    }
    return all;
  }

  private subscriptionOfScope(scope: string): string {
    const subscriptionId = parseScope(scope)?.subscriptionId;
    if (!subscriptionId) {
      throw new IdentityError(this.t('Choose a subscription, a resource group or a resource.'), { kind: 'invalid' });
    }
    return subscriptionId;
  }

  private async clientsFor(subscriptionId: string, options?: OperationOptions): Promise<SubscriptionClients> {
    const clients = await this.clients.forSubscription(subscriptionId, { signal: options?.signal });
    this.guard.rememberSubscription(clients.subscription);
    return clients;
  }

  private context(context: ErrorContext): ErrorContext {
    return { ...this.options.errorContext?.(), scopeNames: this.guard.scopeNames, ...context };
  }

  private async run<T>(context: ErrorContext, options: OperationOptions | undefined, call: () => Promise<T>): Promise<T> {
    try {
      if (options?.signal?.aborted) {
        throw abortError();
      }
      return await call();
    } catch (error) {
      throw toIdentityError(error, this.context(context));
    }
  }
}
