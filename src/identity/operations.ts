// The one identity-operations module. The tree's context menu and the command palette both call it.
// Every write: read the VM (with its ETag), plan the change with the pure planIdentityChange, PATCH the smallest
// body with If-Match, wait for the long-running operation, and return the identity as Azure reports it afterwards.
// A 409/412 (someone else wrote first) re-reads and re-plans, a bounded number of times.
import type { AzureClientProvider, SubscriptionClients } from '../azure/clients';
import { IdentityError, toIdentityError, type ErrorContext } from './errors';
import { hasSystemAssigned, planIdentityChange } from './identityChange';
import type {
  EntraGroup,
  GroupPage,
  IdentityChange,
  IdentityJson,
  OperationOptions,
  ResourceGroup,
  Subscription,
  UserAssignedIdentity,
  VirtualMachine,
  VmIdentity,
  VmRef,
} from './model';
import { parseUserAssignedIdentityId, resourceNameFromId, validateUserAssignedIdentityName } from './names';

export interface CreateUserAssignedIdentityRequest {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  tags?: Record<string, string>;
}

/** What an identity write did: 'unchanged' means no request was needed (e.g. already enabled). */
export interface IdentityChangeResult {
  status: 'changed' | 'unchanged';
  /** The VM's identity after the operation (as Azure reported it). */
  identity: VmIdentity;
  /** For a notification, e.g. "Assigned 'id-backend' to 'vm-web-01'." or "…is already enabled." */
  message: string;
}

/** One subscription's VMs, or why they could not be listed. */
export interface SubscriptionVirtualMachines {
  subscription: Subscription;
  virtualMachines: VirtualMachine[];
  error?: IdentityError;
}

/** Options for group operations; a group name makes messages friendlier. */
export interface GroupOperationOptions extends OperationOptions {
  groupName?: string;
}

export interface IdentityOperationsSettings {
  /** Attempts for a write that meets 409/412 (default 3). */
  maxWriteAttempts?: number;
  /** Wait before attempt n (n >= 2); default 500 ms × (n - 1). */
  retryDelayMs?: (attempt: number) => number;
}

export class IdentityOperations {
  private readonly maxWriteAttempts: number;
  private readonly retryDelayMs: (attempt: number) => number;

  constructor(
    private readonly clients: AzureClientProvider,
    settings: IdentityOperationsSettings = {},
  ) {
    this.maxWriteAttempts = Math.max(1, settings.maxWriteAttempts ?? 3);
    this.retryDelayMs = settings.retryDelayMs ?? ((attempt) => 500 * (attempt - 1));
  }

  // ---------- Reads (used by the tree and the quick picks) ----------

  listSubscriptions(options?: OperationOptions): Promise<Subscription[]> {
    return this.run({ operation: 'list subscriptions' }, options, () => this.clients.listSubscriptions({ signal: options?.signal }));
  }

  listVirtualMachines(subscriptionId: string, options?: OperationOptions): Promise<VirtualMachine[]> {
    return this.run({ operation: 'list virtual machines' }, options, async () =>
      sortByName(await (await this.clientsFor(subscriptionId, options)).virtualMachines.list({ signal: options?.signal })),
    );
  }

  /**
   * Every subscription with its VMs, listed concurrently across subscriptions (the tree's whole load in the time of
   * the slowest subscription, not the sum). A subscription that fails carries its error instead of failing the rest.
   */
  async listAllVirtualMachines(options?: OperationOptions): Promise<SubscriptionVirtualMachines[]> {
    const subscriptions = await this.listSubscriptions(options);
    return Promise.all(
      subscriptions.map(async (subscription) => {
        try {
          return { subscription, virtualMachines: await this.listVirtualMachines(subscription.subscriptionId, options) };
        } catch (error) {
          const identityError = toIdentityError(error);
          if (identityError.kind === 'cancelled') {
            throw identityError;
          }
          return { subscription, virtualMachines: [], error: identityError };
        }
      }),
    );
  }

  getVirtualMachine(vm: VmRef, options?: OperationOptions): Promise<VirtualMachine> {
    return this.run({ vmName: vm.name }, options, async () => (await this.clientsFor(vm.subscriptionId, options)).virtualMachines.get(vm, { signal: options?.signal }));
  }

  listResourceGroups(subscriptionId: string, options?: OperationOptions): Promise<ResourceGroup[]> {
    return this.run({ operation: 'list resource groups' }, options, async () =>
      sortByName(await (await this.clientsFor(subscriptionId, options)).resourceGroups.list({ signal: options?.signal })),
    );
  }

  listUserAssignedIdentities(subscriptionId: string, options?: OperationOptions): Promise<UserAssignedIdentity[]> {
    return this.run({ operation: 'list user-assigned identities' }, options, async () =>
      sortByName(await (await this.clientsFor(subscriptionId, options)).userAssignedIdentities.list({ signal: options?.signal })),
    );
  }

  /** The identity as JSON for the editor tab, from one GET (ARM reports each user-assigned identity's ids). */
  async getIdentityJson(vm: VmRef, options?: OperationOptions): Promise<IdentityJson> {
    return toIdentityJson(await this.getVirtualMachine(vm, options));
  }

  /**
   * Which actions the signed-in principal may perform at a scope (a VM, a resource group...), for checking before
   * a change. `isAllowed` applies ARM's wildcard rules.
   */
  listPermissions(subscriptionId: string, scope: string, options?: OperationOptions): Promise<{ actions: string[]; notActions: string[] }[]> {
    return this.run({ operation: 'read your permissions' }, options, async () =>
      (await this.clientsFor(subscriptionId, options)).permissions.listActions(scope, { signal: options?.signal }),
    );
  }

  // ---------- Identity writes: each waits for the long-running operation and returns the identity afterwards ----------

  async enableSystemAssigned(vm: VmRef, options?: OperationOptions): Promise<VmIdentity> {
    return (await this.changeIdentity(vm, { kind: 'enableSystemAssigned' }, options)).identity;
  }

  async disableSystemAssigned(vm: VmRef, options?: OperationOptions): Promise<VmIdentity> {
    return (await this.changeIdentity(vm, { kind: 'disableSystemAssigned' }, options)).identity;
  }

  async assignUserAssigned(vm: VmRef, identityIds: string[], options?: OperationOptions): Promise<VmIdentity> {
    return (await this.changeIdentity(vm, { kind: 'assignUserAssigned', ids: identityIds }, options)).identity;
  }

  async removeUserAssigned(vm: VmRef, identityIds: string[], options?: OperationOptions): Promise<VmIdentity> {
    return (await this.changeIdentity(vm, { kind: 'removeUserAssigned', ids: identityIds }, options)).identity;
  }

  async removeAllUserAssigned(vm: VmRef, options?: OperationOptions): Promise<VmIdentity> {
    return (await this.changeIdentity(vm, { kind: 'removeAllUserAssigned' }, options)).identity;
  }

  /**
   * Any identity change, telling whether anything was sent: `unchanged` (no request) when the VM already is as asked.
   * Throws IdentityError: 'invalid' for a refused plan (nothing sent), or the mapped Azure error.
   */
  async changeIdentity(vm: VmRef, change: IdentityChange, options?: OperationOptions): Promise<IdentityChangeResult> {
    const context: ErrorContext = {
      vmName: vm.name,
      identityIds: 'ids' in change ? change.ids : undefined,
      operation: `change the identity of '${vm.name}'`,
    };
    const progress = options?.onProgress ?? (() => {});
    const signal = options?.signal;
    try {
      throwIfAborted(signal);
      const clients = await this.clientsFor(vm.subscriptionId, options);
      for (let attempt = 1; ; attempt++) {
        throwIfAborted(signal);
        progress(`Reading the identity of '${vm.name}'…`);
        const current = await clients.virtualMachines.get(vm, { signal });
        const plan = planIdentityChange(current.identity, change, vm.name);
        if (plan.outcome === 'refused') {
          throw new IdentityError(plan.message, { kind: 'invalid', code: plan.reason });
        }
        if (plan.outcome === 'unchanged') {
          progress(plan.message);
          return { status: 'unchanged', identity: current.identity, message: plan.message };
        }
        progress(`Updating '${vm.name}'…`);
        try {
          let polls = 0;
          const updated = await clients.virtualMachines.updateIdentity(vm, plan.patch, {
            ifMatch: current.etag,
            signal,
            onPoll: () => progress(`Waiting for Azure to finish updating '${vm.name}'${++polls > 1 ? ` (${polls})` : ''}…`),
          });
          return { status: 'changed', identity: updated.identity, message: plan.message };
        } catch (error) {
          const mapped = toIdentityError(error, context);
          if (mapped.kind !== 'conflict' || attempt >= this.maxWriteAttempts) {
            throw mapped;
          }
          progress(`'${vm.name}' was changed by another operation; reading it again (attempt ${attempt + 1} of ${this.maxWriteAttempts})…`);
          await delay(this.retryDelayMs(attempt + 1), signal);
        }
      }
    } catch (error) {
      throw toIdentityError(error, context);
    }
  }

  /** Creates a user-assigned identity. The name is checked before any request. */
  async createUserAssignedIdentity(request: CreateUserAssignedIdentityRequest, options?: OperationOptions): Promise<UserAssignedIdentity> {
    const problem =
      validateUserAssignedIdentityName(request.name) ??
      (request.resourceGroup.trim() ? undefined : 'Choose a resource group.') ??
      (request.location.trim() ? undefined : 'Choose a location.');
    if (problem) {
      throw new IdentityError(problem, { kind: 'invalid' });
    }
    return this.run({ operation: `create the user-assigned identity '${request.name}'`, identityIds: [request.name] }, options, async () => {
      const clients = await this.clientsFor(request.subscriptionId, options);
      options?.onProgress?.(`Creating '${request.name}' in '${request.resourceGroup}'…`);
      return clients.userAssignedIdentities.create(request.resourceGroup, request.name, request.location, request.tags, { signal: options?.signal });
    });
  }

  // ---------- Microsoft Entra groups, for the VM's system-assigned identity ----------

  searchGroups(subscriptionId: string, text: string, options?: OperationOptions): Promise<GroupPage> {
    return this.run({ operation: 'search groups' }, options, async () =>
      (await this.clientsFor(subscriptionId, options)).graph.searchGroups(text, { signal: options?.signal }),
    );
  }

  nextGroupPage(subscriptionId: string, nextPageLink: string, options?: OperationOptions): Promise<GroupPage> {
    return this.run({ operation: 'search groups' }, options, async () =>
      (await this.clientsFor(subscriptionId, options)).graph.nextGroupPage(nextPageLink, { signal: options?.signal }),
    );
  }

  /** The groups the VM's system-assigned identity is a direct member of. */
  async listGroupMemberships(vm: VmRef, options?: OperationOptions): Promise<EntraGroup[]> {
    return this.run({ vmName: vm.name, graphAction: 'readMemberships', operation: `list the groups of '${vm.name}'` }, options, async () => {
      const { clients, principalId } = await this.systemPrincipal(vm, options);
      return sortByDisplayName(await clients.graph.listMemberOf(principalId, { signal: options?.signal }));
    });
  }

  /** Adds the VM's system-assigned identity to a group. Already a member: IdentityError kind 'alreadyMember'. */
  async addToGroup(vm: VmRef, groupId: string, options?: GroupOperationOptions): Promise<void> {
    return this.groupChange(vm, groupId, options, 'add', (clients, principalId) =>
      clients.graph.addMember(groupId, principalId, { signal: options?.signal }),
    );
  }

  async removeFromGroup(vm: VmRef, groupId: string, options?: GroupOperationOptions): Promise<void> {
    return this.groupChange(vm, groupId, options, 'remove', (clients, principalId) =>
      clients.graph.removeMember(groupId, principalId, { signal: options?.signal }),
    );
  }

  private async groupChange(
    vm: VmRef,
    groupId: string,
    options: GroupOperationOptions | undefined,
    verb: 'add' | 'remove',
    change: (clients: SubscriptionClients, principalId: string) => Promise<void>,
  ): Promise<void> {
    const context: ErrorContext = {
      vmName: vm.name,
      groupId,
      groupName: options?.groupName,
      graphAction: verb === 'add' ? 'addMember' : 'removeMember',
      operation: `${verb} '${vm.name}' ${verb === 'add' ? 'to' : 'from'} the group`,
    };
    return this.run(context, options, async () => {
      const { clients, principalId } = await this.systemPrincipal(vm, options);
      context.principalId = principalId;
      const group = options?.groupName ? `'${options.groupName}'` : 'the group';
      options?.onProgress?.(verb === 'add' ? `Adding '${vm.name}' to ${group}…` : `Removing '${vm.name}' from ${group}…`);
      await change(clients, principalId);
    });
  }

  private async systemPrincipal(vm: VmRef, options?: OperationOptions): Promise<{ clients: SubscriptionClients; principalId: string }> {
    const clients = await this.clientsFor(vm.subscriptionId, options);
    options?.onProgress?.(`Reading the identity of '${vm.name}'…`);
    const current = await clients.virtualMachines.get(vm, { signal: options?.signal });
    if (!hasSystemAssigned(current.identity.type) || !current.identity.principalId) {
      throw new IdentityError(
        `'${vm.name}' has no system-assigned identity, so it cannot be in a Microsoft Entra group. Enable its system-assigned identity first.`,
        { kind: 'invalid', code: 'NoSystemAssignedIdentity' },
      );
    }
    return { clients, principalId: current.identity.principalId };
  }

  private clientsFor(subscriptionId: string, options?: OperationOptions): Promise<SubscriptionClients> {
    return this.clients.forSubscription(subscriptionId, { signal: options?.signal });
  }

  /** Runs a call, honouring the signal before it starts and turning whatever it throws into an IdentityError. */
  private async run<T>(context: ErrorContext, options: OperationOptions | undefined, call: () => Promise<T>): Promise<T> {
    try {
      throwIfAborted(options?.signal);
      return await call();
    } catch (error) {
      throw toIdentityError(error, context);
    }
  }
}

export function toIdentityJson(vm: VirtualMachine): IdentityJson {
  const identity = vm.identity;
  return {
    vm: vm.name,
    resourceGroup: vm.resourceGroup,
    subscriptionId: vm.subscriptionId,
    type: identity.type,
    systemAssigned:
      hasSystemAssigned(identity.type) && identity.principalId
        ? { principalId: identity.principalId, tenantId: identity.tenantId ?? '' }
        : null,
    userAssigned: Object.entries(identity.userAssignedIdentities).map(([id, value]) => ({
      id,
      name: parseUserAssignedIdentityId(id)?.name ?? resourceNameFromId(id),
      clientId: value.clientId,
      principalId: value.principalId,
    })),
  };
}

/**
 * Whether ARM permissions allow an action (wildcards as in role definitions: `*`, `Microsoft.Compute/*`,
 * `*\/read`; notActions subtract within the same permission entry).
 */
export function isAllowed(permissions: { actions: string[]; notActions: string[] }[], action: string): boolean {
  const matches = (pattern: string) =>
    new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`, 'i').test(action);
  return permissions.some((p) => p.actions.some(matches) && !p.notActions.some(matches));
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new IdentityError('Cancelled.', { kind: 'cancelled' });
  }
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new IdentityError('Cancelled.', { kind: 'cancelled' }));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new IdentityError('Cancelled.', { kind: 'cancelled' }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function sortByName<T extends { name: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => a.name.localeCompare(b.name));
}

function sortByDisplayName(groups: EntraGroup[]): EntraGroup[] {
  return [...groups].sort((a, b) => a.displayName.localeCompare(b.displayName));
}
