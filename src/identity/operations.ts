// The one identity-operations module. The tree's context menu and the command palette both call it.
// Every identity write: read the host (with its ETag) through the client of its kind, plan the change with the pure
// planIdentityChange, PATCH the smallest body with If-Match, wait for the long-running operation, and return the host
// as Azure reports it afterwards. A 409/412 (someone else wrote first) re-reads and re-plans, a bounded number of times.
import { cancelledError, toIdentityError, type ErrorContext } from './errorWording';
import { IdentityError } from './identityError';
import { hasSystemAssigned, planIdentityChange } from './identityChange';
import { defaultLocalize, type Localize } from './localize';
import type {
  EntraGroup,
  GroupPage,
  IdentityChange,
  IdentityHost,
  IdentityHostRef,
  IdentityJson,
  OperationOptions,
  ResourceGroup,
  SignInMethod,
  Subscription,
  UserAssignedIdentity,
  VirtualMachine,
  VirtualNetwork,
  VmRef,
} from './model';
import { nameTakenProblem, validateUserAssignedIdentityName } from './nameRules';
import { sortBy } from './ordering';
import { parseUserAssignedIdentityId, resourceNameFromId } from './resourceIds';
import type { AzureClientProvider, IdentityHostClient, SubscriptionClients } from './ports';
import { createVirtualMachineProblem, virtualMachineBody, type CreateVirtualMachineRequest } from './newVirtualMachine';

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
  /** The host after the operation, as Azure reported it (with its new ETag). */
  host: IdentityHost;
  /** For a notification, e.g. "Assigned 'id-backend' to 'vm-web-01'." or "…is already enabled." */
  message: string;
}

/** Options for group operations; a group name makes messages friendlier. */
export interface GroupOperationOptions extends OperationOptions {
  groupName?: string;
}

export interface IdentityOperationsOptions {
  /** Attempts for a write that meets 409/412 (default 3). */
  maxWriteAttempts?: number;
  /** Wait before attempt n (n >= 2); default 500 ms × (n - 1). */
  retryDelayMs?: (attempt: number) => number;
  /** Localizes every message (the extension passes vscode.l10n.t); default substitutes {0}, {1}… only. */
  localize?: Localize;
  /** How the user signed in, so a Microsoft Graph refusal can say what to do about it; a function when the sign-in
   *  can change while the operations module lives (settings changes rebuild the account). */
  signInMethod?: SignInMethod | (() => SignInMethod | undefined);
}

/** A host given as a reference, or as already read (then its identity spares a GET where that is enough). */
type HostRefOrHost = IdentityHostRef | IdentityHost;

export class IdentityOperations {
  private readonly maxWriteAttempts: number;
  private readonly retryDelayMs: (attempt: number) => number;
  private readonly t: Localize;
  private readonly signInMethod: () => SignInMethod | undefined;

  constructor(
    private readonly clients: AzureClientProvider,
    options: IdentityOperationsOptions = {},
  ) {
    this.maxWriteAttempts = Math.max(1, options.maxWriteAttempts ?? 3);
    this.retryDelayMs = options.retryDelayMs ?? ((attempt) => 500 * (attempt - 1));
    this.t = options.localize ?? defaultLocalize;
    const signInMethod = options.signInMethod;
    this.signInMethod = typeof signInMethod === 'function' ? signInMethod : () => signInMethod;
  }

  // ---------- Reads (used by the tree and the quick picks) ----------

  listSubscriptions(options?: OperationOptions): Promise<Subscription[]> {
    return this.run({ operation: this.t('list subscriptions') }, options, () => this.clients.listSubscriptions({ signal: options?.signal }));
  }

  listVirtualMachines(subscriptionId: string, options?: OperationOptions): Promise<VirtualMachine[]> {
    return this.run({ operation: this.t('list virtual machines') }, options, async () =>
      sortBy(await (await this.clientsFor(subscriptionId, options)).virtualMachines.list({ signal: options?.signal }), (vm) => vm.name),
    );
  }

  getVirtualMachine(vm: VmRef, options?: OperationOptions): Promise<VirtualMachine> {
    return this.run({ vmName: vm.name }, options, async () => (await this.clientsFor(vm.subscriptionId, options)).virtualMachines.get(vm, { signal: options?.signal }));
  }

  /** Any host as Azure has it now (with its ETag), through the client of its kind. */
  getHost(host: IdentityHostRef, options?: OperationOptions): Promise<IdentityHost> {
    return this.run({ vmName: host.name }, options, async () =>
      hostClient(await this.clientsFor(host.subscriptionId, options), host).get(host, { signal: options?.signal }),
    );
  }

  listResourceGroups(subscriptionId: string, options?: OperationOptions): Promise<ResourceGroup[]> {
    return this.run({ operation: this.t('list resource groups') }, options, async () =>
      sortBy(await (await this.clientsFor(subscriptionId, options)).resourceGroups.list({ signal: options?.signal }), (group) => group.name),
    );
  }

  listUserAssignedIdentities(subscriptionId: string, options?: OperationOptions): Promise<UserAssignedIdentity[]> {
    return this.run({ operation: this.t('list user-assigned identities') }, options, async () =>
      sortBy(await (await this.clientsFor(subscriptionId, options)).userAssignedIdentities.list({ signal: options?.signal }), (identity) => identity.name),
    );
  }

  /** The subscription's virtual networks with their subnets (a new VM joins one in its own location). */
  listVirtualNetworks(subscriptionId: string, options?: OperationOptions): Promise<VirtualNetwork[]> {
    return this.run({ operation: this.t('list virtual networks') }, options, async () =>
      (await this.clientsFor(subscriptionId, options)).virtualNetworks.list({ signal: options?.signal }),
    );
  }

  /** The identity as JSON for the editor tab, from one GET (ARM reports each user-assigned identity's ids). */
  async getIdentityJson(host: IdentityHostRef, options?: OperationOptions): Promise<IdentityJson> {
    return toIdentityJson(await this.getHost(host, options));
  }

  // ---------- Identity writes: each waits for the long-running operation and returns the host afterwards ----------

  /**
   * Any identity change of any host, telling whether anything was sent: `unchanged` (no request) when the host already
   * is as asked. Throws IdentityError: 'invalid' for a refused plan, 'conflict' when the host changed since the user
   * reviewed it (nothing sent either way), or the mapped Azure error.
   */
  async changeIdentity(host: IdentityHostRef, change: IdentityChange, options?: OperationOptions): Promise<IdentityChangeResult> {
    const t = this.t;
    const context: ErrorContext = {
      ...this.errorContext(),
      vmName: host.name,
      identityIds: 'ids' in change ? change.ids : undefined,
      operation: t("change the identity of '{0}'", host.name),
    };
    const progress = options?.onProgress ?? (() => {});
    const signal = options?.signal;
    try {
      this.throwIfAborted(signal);
      const hosts = hostClient(await this.clientsFor(host.subscriptionId, options), host);
      for (let attempt = 1; ; attempt++) {
        this.throwIfAborted(signal);
        progress(t("Reading the identity of '{0}'…", host.name));
        const current = await hosts.get(host, { signal });
        const plan = planIdentityChange(current.identity, change, host.name, t);
        if (plan.outcome === 'refused') {
          throw new IdentityError(plan.message, { kind: plan.reason === 'changedSinceReviewed' ? 'conflict' : 'invalid', code: plan.reason });
        }
        if (plan.outcome === 'unchanged') {
          progress(plan.message);
          return { status: 'unchanged', host: current, message: plan.message };
        }
        progress(t("Updating '{0}'…", host.name));
        try {
          let polls = 0;
          const updated = await hosts.updateIdentity(host, plan.patch, {
            ifMatch: current.etag,
            signal,
            onPoll: () =>
              progress(++polls > 1 ? t("Waiting for Azure to finish updating '{0}' ({1})…", host.name, polls) : t("Waiting for Azure to finish updating '{0}'…", host.name)),
          });
          return { status: 'changed', host: updated, message: plan.message };
        } catch (error) {
          const mapped = toIdentityError(error, context);
          if (mapped.kind !== 'conflict' || attempt >= this.maxWriteAttempts) {
            throw mapped;
          }
          progress(t("'{0}' was changed by another operation; reading it again (attempt {1} of {2})…", host.name, attempt + 1, this.maxWriteAttempts));
          await this.delay(this.retryDelayMs(attempt + 1), signal);
        }
      }
    } catch (error) {
      throw toIdentityError(error, context);
    }
  }

  /**
   * Creates a user-assigned identity. The name is checked before any request, and an identity of that name in the
   * resource group is never overwritten (ARM's PUT would answer 200 and reset its tags): IdentityError 'invalid'.
   */
  async createUserAssignedIdentity(request: CreateUserAssignedIdentityRequest, options?: OperationOptions): Promise<UserAssignedIdentity> {
    const t = this.t;
    const problem =
      validateUserAssignedIdentityName(request.name, t) ??
      (request.resourceGroup.trim() ? undefined : t('Choose a resource group.')) ??
      (request.location.trim() ? undefined : t('Choose a location.'));
    if (problem) {
      throw new IdentityError(problem, { kind: 'invalid' });
    }
    const context: ErrorContext = { operation: t("create the user-assigned identity '{0}'", request.name), identityIds: [request.name] };
    return this.run(context, options, async () => {
      const clients = await this.clientsFor(request.subscriptionId, options);
      const signal = options?.signal;
      // A GET first: arm-msi offers no If-None-Match. A create racing ours in the same second could still be
      // overwritten; the window is one round trip instead of the wizard's whole duration.
      const existing = await clients.userAssignedIdentities.find(request.resourceGroup, request.name, { signal });
      const taken = nameTakenProblem('identity', request.name, request.resourceGroup, existing ? [existing.name] : [], t);
      if (taken) {
        throw new IdentityError(taken, { kind: 'invalid', code: 'IdentityNameTaken' });
      }
      options?.onProgress?.(t("Creating '{0}' in '{1}'…", request.name, request.resourceGroup));
      return clients.userAssignedIdentities.create(request.resourceGroup, request.name, request.location, request.tags, { signal });
    });
  }

  /**
   * Creates a VM with the identities asked for. The request is checked before anything is sent, a VM of that name in
   * the resource group is never overwritten (the PUT carries If-None-Match: *, and its 412 reads as "name taken"), and the call waits
   * for the long-running operation. The body may hold a password: it is never logged nor put in a message.
   */
  async createVirtualMachine(request: CreateVirtualMachineRequest, options?: OperationOptions): Promise<VirtualMachine> {
    const t = this.t;
    const problem = createVirtualMachineProblem(request, t);
    if (problem) {
      throw new IdentityError(problem, { kind: 'invalid' });
    }
    const context: ErrorContext = {
      operation: t("create the virtual machine '{0}'", request.name),
      creating: { kind: 'virtualMachine', name: request.name, resourceGroup: request.resourceGroup },
      identityIds: request.userAssignedIdentityIds,
    };
    return this.run(context, options, async () => {
      const clients = await this.clientsFor(request.subscriptionId, options);
      const signal = options?.signal;
      const progress = options?.onProgress ?? (() => {});
      progress(t("Creating '{0}' in '{1}'…", request.name, request.resourceGroup));
      let polls = 0;
      return clients.virtualMachines.create(request.resourceGroup, request.name, virtualMachineBody(request), {
        signal,
        onPoll: () =>
          progress(++polls > 1 ? t("Waiting for Azure to finish creating '{0}' ({1})…", request.name, polls) : t("Waiting for Azure to finish creating '{0}'…", request.name)),
      });
    });
  }

  // ---------- Microsoft Entra groups, for the VM's system-assigned identity ----------

  // Searching and changing groups are explicit actions, so VS Code may ask for Graph consent (allowSignInPrompt
  // defaults to true); listing memberships also runs when a tree item expands, so it stays silent unless asked.

  searchGroups(subscriptionId: string, text: string, options?: OperationOptions): Promise<GroupPage> {
    return this.run({ operation: this.t('search groups') }, options, async () =>
      (await this.clientsFor(subscriptionId, options)).graph.searchGroups(text, this.graphCallOptions(options, true)),
    );
  }

  nextGroupPage(subscriptionId: string, nextPageLink: string, options?: OperationOptions): Promise<GroupPage> {
    return this.run({ operation: this.t('search groups') }, options, async () =>
      (await this.clientsFor(subscriptionId, options)).graph.nextGroupPage(nextPageLink, this.graphCallOptions(options, true)),
    );
  }

  /** The groups the host's system-assigned identity is a direct member of. A host already read, with a known
   *  principal id, needs no GET. */
  async listGroupMemberships(host: HostRefOrHost, options?: OperationOptions): Promise<EntraGroup[]> {
    const context: ErrorContext = { vmName: host.name, graphAction: 'readMemberships', operation: this.t("list the groups of '{0}'", host.name) };
    return this.run(context, options, async () => {
      const { clients, principalId } = await this.systemPrincipal(host, options);
      return sortBy(await clients.graph.listMemberOf(principalId, this.graphCallOptions(options, false)), (group) => group.displayName);
    });
  }

  /** Adds the host's system-assigned identity to a group. Already a member: IdentityError kind 'alreadyMember'. */
  async addToGroup(host: HostRefOrHost, groupId: string, options?: GroupOperationOptions): Promise<void> {
    return this.groupChange(host, groupId, options, 'add', (clients, principalId) =>
      clients.graph.addMember(groupId, principalId, this.graphCallOptions(options, true)),
    );
  }

  async removeFromGroup(host: HostRefOrHost, groupId: string, options?: GroupOperationOptions): Promise<void> {
    return this.groupChange(host, groupId, options, 'remove', (clients, principalId) =>
      clients.graph.removeMember(groupId, principalId, this.graphCallOptions(options, true)),
    );
  }

  private async groupChange(
    host: HostRefOrHost,
    groupId: string,
    options: GroupOperationOptions | undefined,
    verb: 'add' | 'remove',
    change: (clients: SubscriptionClients, principalId: string) => Promise<void>,
  ): Promise<void> {
    const t = this.t;
    const group = options?.groupName ? `'${options.groupName}'` : t('the group');
    const context: ErrorContext = {
      vmName: host.name,
      groupId,
      groupName: options?.groupName,
      graphAction: verb === 'add' ? 'addMember' : 'removeMember',
      operation: verb === 'add' ? t("add '{0}' to the group", host.name) : t("remove '{0}' from the group", host.name),
    };
    return this.run(context, options, async () => {
      const { clients, principalId } = await this.systemPrincipal(host, options);
      context.principalId = principalId;
      options?.onProgress?.(verb === 'add' ? t("Adding '{0}' to {1}…", host.name, group) : t("Removing '{0}' from {1}…", host.name, group));
      await change(clients, principalId);
    });
  }

  /** The host's system-assigned principal: from the host given when it carries one, else from a GET. */
  private async systemPrincipal(host: HostRefOrHost, options?: OperationOptions): Promise<{ clients: SubscriptionClients; principalId: string }> {
    const clients = await this.clientsFor(host.subscriptionId, options);
    const known = 'identity' in host && hasSystemAssigned(host.identity.type) ? host.identity.principalId : undefined;
    if (known) {
      return { clients, principalId: known };
    }
    options?.onProgress?.(this.t("Reading the identity of '{0}'…", host.name));
    const current = await hostClient(clients, host).get(host, { signal: options?.signal });
    if (!hasSystemAssigned(current.identity.type) || !current.identity.principalId) {
      throw new IdentityError(
        this.t("'{0}' has no system-assigned identity, so it cannot be in a Microsoft Entra group. Enable its system-assigned identity first.", host.name),
        { kind: 'invalid', code: 'NoSystemAssignedIdentity' },
      );
    }
    return { clients, principalId: current.identity.principalId };
  }

  private graphCallOptions(options: OperationOptions | undefined, promptByDefault: boolean) {
    return { signal: options?.signal, allowSignInPrompt: options?.allowSignInPrompt ?? promptByDefault };
  }

  private clientsFor(subscriptionId: string, options?: OperationOptions): Promise<SubscriptionClients> {
    return this.clients.forSubscription(subscriptionId, { signal: options?.signal });
  }

  /** What every error message needs whatever the call: the language and the sign-in. */
  private errorContext(): ErrorContext {
    return { localize: this.t, signInMethod: this.signInMethod() };
  }

  /** Runs a call, honouring the signal before it starts and turning whatever it throws into an IdentityError. */
  private async run<T>(context: ErrorContext, options: OperationOptions | undefined, call: () => Promise<T>): Promise<T> {
    try {
      this.throwIfAborted(options?.signal);
      return await call();
    } catch (error) {
      throw toIdentityError(error, { ...this.errorContext(), ...context });
    }
  }

  private throwIfAborted(signal: AbortSignal | undefined): void {
    if (signal?.aborted) {
      throw cancelledError(this.t);
    }
  }

  private delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(cancelledError(this.t));
        return;
      }
      const onAbort = () => {
        clearTimeout(timer);
        reject(cancelledError(this.t));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** The client that reads and writes hosts of this one's kind. */
function hostClient(clients: SubscriptionClients, host: IdentityHostRef): IdentityHostClient {
  return clients.identityHosts[host.kind];
}

export function toIdentityJson(host: IdentityHost): IdentityJson {
  const identity = host.identity;
  return {
    vm: host.name,
    resourceGroup: host.resourceGroup,
    subscriptionId: host.subscriptionId,
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
