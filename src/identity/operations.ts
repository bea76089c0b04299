// The one identity-operations module. The tree's context menu and the command palette both call it.
// Every identity write: read the host (with its ETag) through the client of its kind, plan the change with the pure
// planIdentityChange, PATCH the smallest body with If-Match, wait for the long-running operation, and return the host
// as Azure reports it afterwards. A 409/412 (someone else wrote first) re-reads and re-plans, a bounded number of times.
import { AccessGuard, type AccessGuardOptions } from './accessGuard';
import { AccessOperations, type AccessOperationsOptions } from './accessOperations';
import { systemClock, type Clock } from './clock';
import { concurrencyLimit } from './concurrency';
import { cancelledError, toIdentityError, type ErrorContext } from './errorWording';
import { AcceptedWriteError, IdentityError, type AcceptedWriteEnd } from './identityError';
import { describeIdentity, hasSystemAssigned, planIdentityChange, sameIdentity } from './identityChange';
import { defaultLocalize, type Localize } from './localize';
import type {
  EntraGroup,
  GroupPage,
  HostListing,
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
  VirtualMachineScaleSet,
  VirtualNetwork,
  VmRef,
} from './model';
import { nameTakenProblem, validateUserAssignedIdentityName } from './nameRules';
import { accessRequirement, createIdentityRequirements, identityChangeRequirements } from './permissions';
import { sortBy } from './ordering';
import { parseUserAssignedIdentityId, resourceNameFromId, sameResourceId, virtualMachineId } from './resourceIds';
import { ServiceError } from './serviceError';
import type { AzureClientProvider, IdentityHostClient, OnListPage, SubscriptionClients } from './ports';
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
  /** The permission check before every write (cache lifetime, clock). */
  accessCheck?: AccessGuardOptions;
  /** Role assignments: replication retry schedule, clock, GUIDs (tests shorten the waits). */
  access?: Omit<AccessOperationsOptions, 'localize' | 'errorContext'>;
  /** How long a write may wait for Azure's long-running operation before it stops waiting and re-reads the resource
   *  (the setting azureVmIdentities.operationTimeoutMinutes; default 30 minutes). A function when the setting can change. */
  operationTimeoutMs?: number | (() => number);
  /** After the user stops waiting, how often the resource is re-read until Azure's operation ends (default 5 s). */
  settlePollMs?: number;
  /** A load of at least this many subscriptions of one tenant reads their hosts with one Resource Graph query
   *  (default RESOURCE_GRAPH_MIN_SUBSCRIPTIONS; Infinity never uses it). */
  resourceGraphMinSubscriptions?: number;
  /** When a Resource Graph refusal was remembered, and whether it has expired (tests advance it). */
  clock?: Pick<Clock, 'now'>;
  /** How messages name a host; default its name. The extension names the resource group too where two known hosts
   *  share a name ("vm-x (rg-a)"). */
  hostLabel?: (host: IdentityHostRef) => string;
}

/** The default limit for one long-running operation: generous, since a VM update can take many minutes. */
export const DEFAULT_OPERATION_TIMEOUT_MINUTES = 30;
/** How many reads in a row may fail before the background watch after a cancelled or timed-out write gives up. */
const MAX_FAILED_SETTLE_READS = 3;

/** From this many subscriptions of one tenant, hosts are listed with Resource Graph: `npm run bench` measures ARM
 *  against Resource Graph by number of subscriptions (README, "Performance"). */
export const RESOURCE_GRAPH_MIN_SUBSCRIPTIONS = 10;

/** Most subscriptions listed through ARM at once in one load, across its tenants (each is 2 requests at once: VMs and
 *  scale sets). ARM's read quota is per subscription, so the cap protects no quota: it bounds the sockets and client
 *  work of a fallback load of hundreds of subscriptions (1,000 requests at once for 500). The shared pool
 *  (src/azure/connectionPool.ts) sets no maxSockets, so this is the only bound: 32 listing sockets, reused. At least
 *  RESOURCE_GRAPH_MIN_SUBSCRIPTIONS - 1, so a tenant below the Resource Graph threshold never waits for a turn. */
export const ARM_LISTING_CONCURRENCY = 16;

/** A subscription below the Resource Graph threshold known (from its last listing) to hold more hosts than this goes
 *  straight to Resource Graph, every page at once, rather than an ARM page first: one round trip instead of three. */
export const LONG_LIST_HOSTS = 1000;

export interface ListHostsOptions extends OperationOptions {
  /** How many hosts a subscription had when last listed (undefined when never listed): a refresh then asks for every
   *  page it expects at once. */
  knownHosts?: (subscriptionId: string) => number | undefined;
}

/** How long a Resource Graph refusal (403, 404) for a tenant is remembered: long enough that refreshes do not ask a
 *  refusing Graph each time, short enough that a new role grant or a newly available endpoint is used without a
 *  reload. */
export const RESOURCE_GRAPH_REFUSAL_MEMORY_MS = 10 * 60_000;

/** A host given as a reference, or as already read (then its identity spares a GET where that is enough). */
type HostRefOrHost = IdentityHostRef | IdentityHost;

export class IdentityOperations {
  private readonly maxWriteAttempts: number;
  private readonly retryDelayMs: (attempt: number) => number;
  private readonly t: Localize;
  private readonly signInMethod: () => SignInMethod | undefined;
  /** Asked before every write, here and in {@link access}, so no caller can skip it. */
  readonly accessGuard: AccessGuard;
  /** Role assignments, scopes, and where a user-assigned identity is used (issue 9). */
  readonly access: AccessOperations;
  private readonly operationTimeoutMs: () => number;
  private readonly settlePollMs: number;
  private readonly label: (host: IdentityHostRef) => string;
  private readonly resourceGraphMinSubscriptions: number;
  /** Tenants (lower case) where Resource Graph answered 403 or 404, and when: their hosts are listed through ARM until
   *  RESOURCE_GRAPH_REFUSAL_MEMORY_MS later. */
  private readonly resourceGraphRefused = new Map<string, number>();
  private readonly clock: Pick<Clock, 'now'>;

  constructor(
    private readonly clients: AzureClientProvider,
    options: IdentityOperationsOptions = {},
  ) {
    this.maxWriteAttempts = Math.max(1, options.maxWriteAttempts ?? 3);
    this.retryDelayMs = options.retryDelayMs ?? ((attempt) => 500 * (attempt - 1));
    this.t = options.localize ?? defaultLocalize;
    const signInMethod = options.signInMethod;
    this.signInMethod = typeof signInMethod === 'function' ? signInMethod : () => signInMethod;
    this.accessGuard = new AccessGuard(clients, { ...options.accessCheck, localize: this.t });
    this.label = options.hostLabel ?? ((host) => host.name);
    this.access = new AccessOperations(clients, this.accessGuard, { ...options.access, localize: this.t, errorContext: () => this.errorContext(), hostLabel: this.label });
    const timeout = options.operationTimeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MINUTES * 60_000;
    this.operationTimeoutMs = typeof timeout === 'function' ? timeout : () => timeout;
    this.settlePollMs = options.settlePollMs ?? 5000;
    this.resourceGraphMinSubscriptions = options.resourceGraphMinSubscriptions ?? RESOURCE_GRAPH_MIN_SUBSCRIPTIONS;
    this.clock = options.clock ?? systemClock;
  }

  // ---------- Reads (used by the tree and the quick picks) ----------

  /** Every subscription, sorted by name; `onPage` sees them page by page first (a caller may list their hosts
   *  before the last page arrives). */
  listSubscriptions(options?: OperationOptions & { onPage?: OnListPage<Subscription> }): Promise<Subscription[]> {
    const remember = (subscriptions: Subscription[]) => subscriptions.forEach((subscription) => this.accessGuard.rememberSubscription(subscription));
    const onPage = options?.onPage;
    return this.run({ operation: this.t('list subscriptions') }, options, async () => {
      const subscriptions = await this.clients.listSubscriptions({
        signal: options?.signal,
        ...(onPage ? { onPage: (page, morePages) => (remember(page), onPage(page, morePages)) } : {}),
      });
      remember(subscriptions);
      return subscriptions;
    });
  }

  listVirtualMachines(subscriptionId: string, options?: OperationOptions): Promise<VirtualMachine[]> {
    return this.run({ operation: this.t('list virtual machines') }, options, async () =>
      sortBy(await (await this.clientsFor(subscriptionId, options)).virtualMachines.list({ signal: options?.signal }), (vm) => vm.name),
    );
  }

  /** The subscription's scale sets, Uniform and Flexible (a Flexible set's instances are listed as VMs). */
  listScaleSets(subscriptionId: string, options?: OperationOptions): Promise<VirtualMachineScaleSet[]> {
    return this.run({ operation: this.t('list virtual machine scale sets') }, options, async () =>
      sortBy(await (await this.clientsFor(subscriptionId, options)).scaleSets.list({ signal: options?.signal }), (scaleSet) => scaleSet.name),
    );
  }

  /** Whether a load of this many subscriptions (of one tenant) goes as one Resource Graph query. */
  listsTogether(subscriptionCount: number): boolean {
    return subscriptionCount >= this.resourceGraphMinSubscriptions;
  }

  /**
   * Every host (VMs and scale sets) of each subscription, told to `listed` as soon as each subscription's list is
   * complete. The subscriptions of one tenant that are at least `resourceGraphMinSubscriptions` are read with one paged
   * Resource Graph query; fewer, or where Resource Graph is refused (403) or absent (404), each is listed through ARM
   * (a subscription whose VMs take more than one ARM page then continues with Resource Graph, where it answers).
   * At most ARM_LISTING_CONCURRENCY subscriptions are listed through ARM at once, in the order given (the tree's, so
   * the first shown list first); after a cancellation none starts.
   */
  async listHosts(subscriptionIds: readonly string[], listed: (listing: HostListing) => void, options?: ListHostsOptions): Promise<void> {
    const resolved = await Promise.all(
      subscriptionIds.map(async (subscriptionId) => {
        try {
          return await this.clientsFor(subscriptionId, options);
        } catch (error) {
          listed({ subscriptionId, result: { status: 'failed', error: this.listingError(error) }, from: 'arm' });
          return undefined;
        }
      }),
    );
    // Grouped after all resolve, so each tenant keeps the order given rather than the order the clients were made in.
    const byTenant = new Map<string, SubscriptionClients[]>();
    for (const clients of resolved) {
      if (clients) {
        const tenant = clients.subscription.tenantId.toLowerCase();
        byTenant.set(tenant, [...(byTenant.get(tenant) ?? []), clients]);
      }
    }
    const armTurn = concurrencyLimit(ARM_LISTING_CONCURRENCY);
    // The rows the last listing of these subscriptions had, when every one of them was listed before.
    const expectedRows = (ids: readonly string[]) => {
      let rows = 0;
      for (const id of ids) {
        const known = options?.knownHosts?.(id);
        if (known === undefined) {
          return undefined;
        }
        rows += known;
      }
      return rows;
    };
    await Promise.all(
      [...byTenant].map(async ([tenant, tenantClients]) => {
        let rest = tenantClients.map((clients) => clients.subscription.subscriptionId);
        if (this.listsTogether(rest.length) && !this.refusesResourceGraph(tenant)) {
          rest = await this.listWithResourceGraph(tenant, tenantClients[0]!, rest, listed, options, expectedRows(rest));
        }
        const bySubscription = new Map(tenantClients.map((clients) => [clients.subscription.subscriptionId, clients]));
        const listOne = async (subscriptionId: string) => {
          const clients = bySubscription.get(subscriptionId)!;
          const known = expectedRows([subscriptionId]);
          if (known !== undefined && known > LONG_LIST_HOSTS && this.mayUseResourceGraph(tenant)) {
            const unlisted = await this.listWithResourceGraph(tenant, clients, [subscriptionId], listed, options, known);
            if (unlisted.length === 0) {
              return;
            }
          }
          // listWithArm reports a subscription whose turn comes after a cancellation as cancelled, without a request.
          await this.listWithArm(tenant, clients, listed, options);
        };
        await Promise.all(rest.map((subscriptionId) => armTurn(() => listOne(subscriptionId))));
      }),
    );
  }

  /** Whether Resource Graph may be asked for this tenant's hosts (it is not turned off, nor refused lately). */
  private mayUseResourceGraph(tenant: string): boolean {
    return Number.isFinite(this.resourceGraphMinSubscriptions) && !this.refusesResourceGraph(tenant);
  }

  /** Whether Resource Graph refused this tenant (lower case) within the last RESOURCE_GRAPH_REFUSAL_MEMORY_MS. */
  private refusesResourceGraph(tenant: string): boolean {
    const refusedAt = this.resourceGraphRefused.get(tenant);
    if (refusedAt !== undefined && this.clock.now() - refusedAt >= RESOURCE_GRAPH_REFUSAL_MEMORY_MS) {
      this.resourceGraphRefused.delete(tenant);
      return false;
    }
    return refusedAt !== undefined;
  }

  /** One paged query for the subscriptions; returns those it could not list (all of them when it was refused). */
  private async listWithResourceGraph(
    tenant: string,
    clients: SubscriptionClients,
    subscriptionIds: string[],
    listed: (listing: HostListing) => void,
    options?: OperationOptions,
    expectedRows?: number,
  ): Promise<string[]> {
    const waiting = new Map(subscriptionIds.map((id) => [id.toLowerCase(), { subscriptionId: id, hosts: [] as IdentityHost[] }]));
    // Rows come grouped by subscription: a subscription is complete once a row of another one follows it.
    let current: string | undefined;
    const complete = (key: string | undefined) => {
      const entry = key === undefined ? undefined : waiting.get(key);
      if (entry) {
        waiting.delete(key!);
        listed({ subscriptionId: entry.subscriptionId, result: { status: 'loaded', value: entry.hosts }, from: 'resourceGraph' });
      }
    };
    try {
      this.throwIfAborted(options?.signal);
      await clients.resourceGraph.listHosts(subscriptionIds, {
        signal: options?.signal,
        expectedRows,
        onPage: (hosts, last) => {
          for (const host of hosts) {
            const key = host.subscriptionId.toLowerCase();
            if (key !== current) {
              complete(current);
              current = key;
            }
            waiting.get(key)?.hosts.push(host);
          }
          if (last) {
            [...waiting.keys()].forEach(complete);
            return;
          }
          // The page ended inside a subscription's rows: show those while its other rows load.
          const unfinished = current === undefined ? undefined : waiting.get(current);
          if (unfinished) {
            listed({ subscriptionId: unfinished.subscriptionId, result: { status: 'loaded', value: [...unfinished.hosts] }, from: 'resourceGraph', partial: true });
          }
        },
      });
    } catch (error) {
      if (options?.signal?.aborted) {
        throw cancelledError(this.t);
      }
      const status = (error as { status?: number }).status;
      if (status === 403 || status === 404) {
        this.resourceGraphRefused.set(tenant, this.clock.now());
      }
    }
    return [...waiting.values()].map((entry) => entry.subscriptionId);
  }

  /**
   * Lists one subscription's VMs and scale sets through ARM. When its VMs take more than one page and Resource Graph
   * may be asked, the ARM listing stops after that page and the subscription is read with Resource Graph instead
   * (two round trips for any number of VMs, where ARM pages through them one after another).
   */
  private async listWithArm(
    tenant: string,
    clients: SubscriptionClients,
    listed: (listing: HostListing) => void,
    options?: OperationOptions,
    continueWithResourceGraph = this.mayUseResourceGraph(tenant),
  ): Promise<void> {
    const subscriptionId = clients.subscription.subscriptionId;
    const listing = new AbortController();
    const stop = () => listing.abort();
    options?.signal?.addEventListener('abort', stop, { once: true });
    let manyPages = false;
    try {
      this.throwIfAborted(options?.signal);
      const pagesSoFar: IdentityHost[] = [];
      const [virtualMachines, scaleSets] = await Promise.all([
        clients.virtualMachines.list({
          signal: listing.signal,
          onPage: (page, morePages) => {
            if (!morePages) {
              return;
            }
            // A long list shows what is known while the rest loads (through Resource Graph where it may be asked).
            pagesSoFar.push(...page);
            listed({ subscriptionId, result: { status: 'loaded', value: [...pagesSoFar] }, from: 'arm', partial: true });
            if (continueWithResourceGraph) {
              manyPages = true;
              listing.abort();
            }
          },
        }),
        clients.scaleSets.list({ signal: listing.signal }),
      ]);
      listed({ subscriptionId, result: { status: 'loaded', value: [...virtualMachines, ...scaleSets] }, from: 'arm' });
    } catch (error) {
      if (manyPages && !options?.signal?.aborted) {
        const unlisted = await this.listWithResourceGraph(tenant, clients, [subscriptionId], listed, options);
        if (unlisted.length > 0) {
          await this.listWithArm(tenant, clients, listed, options, false);
        }
        return;
      }
      listed({ subscriptionId, result: { status: 'failed', error: this.listingError(error) }, from: 'arm' });
    } finally {
      options?.signal?.removeEventListener('abort', stop);
    }
  }

  private listingError(error: unknown): IdentityError {
    return toIdentityError(error, { ...this.errorContext(), operation: this.t('list virtual machines') });
  }

  getVirtualMachine(vm: VmRef, options?: OperationOptions): Promise<VirtualMachine> {
    return this.run({ vmName: this.label(vm) }, options, async () => (await this.clientsFor(vm.subscriptionId, options)).virtualMachines.get(vm, { signal: options?.signal }));
  }

  /** Any host as Azure has it now (with its ETag), through the client of its kind. */
  getHost(host: IdentityHostRef, options?: OperationOptions): Promise<IdentityHost> {
    return this.run({ vmName: this.label(host), hostName: host.name }, options, async () =>
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
  async changeIdentity(host: HostRefOrHost, change: IdentityChange, options?: OperationOptions): Promise<IdentityChangeResult> {
    const t = this.t;
    const context: ErrorContext = {
      ...this.errorContext(),
      vmName: this.label(host),
      hostName: host.name,
      identityIds: 'ids' in change ? change.ids : undefined,
      operation: t("change the identity of '{0}'", this.label(host)),
    };
    const progress = options?.onProgress ?? (() => {});
    const signal = options?.signal;
    try {
      this.throwIfAborted(signal);
      const hosts = hostClient(await this.clientsFor(host.subscriptionId, options), host);
      // A state given with its ETag (the store's copy) spares the first read: If-Match makes the PATCH fail with 412
      // when it is stale, and the next attempt reads. Only a plan that changes something trusts it; "already so" or a
      // refusal is confirmed by a read.
      let known = 'identity' in host && host.etag ? host : undefined;
      for (let attempt = 1; ; attempt++) {
        this.throwIfAborted(signal);
        let current: IdentityHost | undefined = known;
        let plan = current && planIdentityChange(current.identity, change, this.label(host), t);
        known = undefined;
        if (!current || !plan || plan.outcome !== 'change') {
          progress(t("Reading the identity of '{0}'…", this.label(host)));
          current = await hosts.get(host, { signal });
          plan = planIdentityChange(current.identity, change, this.label(host), t);
        }
        if (plan.outcome === 'refused') {
          throw new IdentityError(plan.message, { kind: plan.reason === 'changedSinceReviewed' ? 'conflict' : 'invalid', code: plan.reason });
        }
        if (plan.outcome === 'unchanged') {
          progress(plan.message);
          return { status: 'unchanged', host: current, message: plan.message };
        }
        if (attempt === 1) {
          progress(t("Checking your permissions on '{0}'…", this.label(host)));
          await this.accessGuard.ensureAllowed(identityChangeRequirements(host, change), { signal });
        }
        if (!current.etag) {
          // Without an ETag the write cannot be conditional: read again just before it, and plan again when the
          // identity moved meanwhile (a PATCH planned on a stale base could drop what another write added).
          const base = await hosts.get(host, { signal });
          if (!sameIdentity(base.identity, current.identity)) {
            if (attempt >= this.maxWriteAttempts) {
              throw new IdentityError(t("'{0}' kept changing while it was being updated; nothing was changed. Try again.", this.label(host)), { kind: 'conflict' });
            }
            continue;
          }
        }
        progress(t("Updating '{0}'…", this.label(host)));
        const write = this.timeLimited(signal);
        let accepted = false;
        try {
          let polls = 0;
          const updated = await hosts.updateIdentity(host, plan.patch, {
            ifMatch: current.etag,
            signal: write.signal,
            onAccepted: () => (accepted = true),
            onPoll: () =>
              progress(++polls > 1 ? t("Waiting for Azure to finish updating '{0}' ({1})…", this.label(host), polls) : t("Waiting for Azure to finish updating '{0}'…", this.label(host))),
          });
          return { status: 'changed', host: updated, message: this.withInstancesNote(host, plan.message) };
        } catch (error) {
          const mapped = toIdentityError(error, context);
          if (accepted) {
            throw await this.acceptedWriteError(hosts, host, mapped, write.timedOut() ? 'timedOut' : mapped.kind === 'cancelled' ? 'cancelled' : undefined);
          }
          // A refusal of a plan made from a stale read (e.g. 400 "none would remain" after another window removed an
          // identity) is a conflict in disguise when the resource's ETag moved since the read: read again and re-plan.
          const stale = mapped.kind === 'invalid' && current.etag !== undefined && (await this.etagMoved(hosts, host, current.etag, signal));
          if ((mapped.kind !== 'conflict' && !stale) || attempt >= this.maxWriteAttempts) {
            throw mapped;
          }
          progress(t("'{0}' was changed by another operation; reading it again (attempt {1} of {2})…", this.label(host), attempt + 1, this.maxWriteAttempts));
          await this.delay(this.retryDelayMs(attempt + 1), signal);
        } finally {
          write.dispose();
        }
      }
    } catch (error) {
      throw toIdentityError(error, context);
    }
  }

  /** A scale set's result says what happens to its instances: identity is tracked at the scale-set level, so they
   *  need no upgrade (azure-wire-facts.md section 10; Azure CLI's "update-instances" warning is wrong). */
  private withInstancesNote(host: IdentityHostRef, message: string): string {
    return host.kind === 'virtualMachineScaleSet'
      ? this.t('{0} Its instances use the change without an upgrade: identity is tracked at the scale-set level.', message)
      : message;
  }

  /** The error for a write Azure accepted but whose success the caller did not see, saying what is true now. */
  private async acceptedWriteError(
    hosts: IdentityHostClient,
    host: IdentityHostRef,
    cause: IdentityError,
    stoppedWaiting: 'timedOut' | 'cancelled' | undefined,
  ): Promise<AcceptedWriteError> {
    const t = this.t;
    const now = await hosts.get(host).catch(() => undefined);
    const state = now
      ? t("'{0}' now has {1}.", this.label(host), describeIdentity(now.identity, t))
      : t("Reading '{0}' again failed too, so its identity is not known: refresh it later.", this.label(host));
    const label = this.label(host);
    // After a stop, keep watching in the background (the operation may still land), bounded by the same limit.
    return this.acceptedError(cause, stoppedWaiting, now, stoppedWaiting ? this.untilSettled(hosts, host) : undefined, {
      timedOut: (minutes) => t("Azure has not finished updating '{0}' after {1} minutes; stopped waiting. {2}", label, minutes, state),
      cancelled: () => t("Stopped waiting for Azure to update '{0}'; the update may still be applied. {1}", label, state),
      outcomeUnknown: (reason) => t("Azure accepted the update of '{0}', but its outcome could not be read ({1}). {2}", label, reason, state),
      failed: (reason) => t("Azure reports the update of '{0}' failed ({1}). {2}", label, reason, state),
    });
  }

  /** How a write Azure accepted ended for its caller, worded by `words` (each gets the minutes of the limit, or the
   *  reason). An operation that ended Failed carries no HTTP status; a status poll that failed (or a token that
   *  expired before it) does: then the outcome is unknown rather than failed. */
  private acceptedError(
    cause: IdentityError,
    stoppedWaiting: 'timedOut' | 'cancelled' | undefined,
    now: IdentityHost | undefined,
    settled: Promise<IdentityHost | undefined> | undefined,
    words: Record<AcceptedWriteEnd, (detail: string) => string>,
  ): AcceptedWriteError {
    const details = { code: cause.code, statusCode: cause.statusCode, requestId: cause.requestId, serviceMessage: cause.serviceMessage ?? cause.message, cause };
    const end: AcceptedWriteEnd = stoppedWaiting ?? (cause.statusCode !== undefined || cause.kind === 'authentication' ? 'outcomeUnknown' : 'failed');
    const detail =
      end === 'timedOut' ? String(Math.round(this.operationTimeoutMs() / 60000)) : end === 'outcomeUnknown' ? cause.code ?? cause.message : end === 'failed' ? failureReason(cause) : '';
    return new AcceptedWriteError(words[end](detail), end, now, details, settled);
  }

  /**
   * Re-reads the host until no operation runs on it (its provisioning state is final), the time limit passes, or
   * reading it fails several times in a row (signed out, offline, the host deleted): a watch that can no longer read
   * would otherwise poll for the whole limit (30 minutes by default) and keep the process busy.
   */
  private async untilSettled(hosts: IdentityHostClient, host: IdentityHostRef): Promise<IdentityHost | undefined> {
    const deadline = Date.now() + this.operationTimeoutMs();
    let failedReads = 0;
    for (;;) {
      await this.delay(this.settlePollMs, undefined).catch(() => undefined);
      const now = await hosts.get(host).catch(() => undefined);
      failedReads = now ? 0 : failedReads + 1;
      if (now && !/^(updating|creating|deleting)$/i.test(now.provisioningState ?? '')) {
        return now;
      }
      if (Date.now() >= deadline || failedReads >= MAX_FAILED_SETTLE_READS) {
        return undefined;
      }
    }
  }

  /** Whether the host's ETag differs from the one read (a failed read counts as "not known to have moved"). */
  private async etagMoved(hosts: IdentityHostClient, host: IdentityHostRef, etag: string, signal: AbortSignal | undefined): Promise<boolean> {
    const now = await hosts.get(host, { signal }).catch(() => undefined);
    return now !== undefined && now.etag !== etag;
  }

  /** A signal that aborts when the caller's does or when the operation time limit passes (then timedOut() is true). */
  private timeLimited(signal: AbortSignal | undefined): { signal: AbortSignal; timedOut(): boolean; dispose(): void } {
    const controller = new AbortController();
    let timedOut = false;
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) {
      onAbort();
    }
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.operationTimeoutMs());
    return {
      signal: controller.signal,
      timedOut: () => timedOut,
      dispose: () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      },
    };
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
    const context: ErrorContext = {
      operation: t("create the user-assigned identity '{0}'", request.name),
      identityIds: [request.name],
      creating: { kind: 'identity', name: request.name, resourceGroup: request.resourceGroup },
    };
    return this.run(context, options, async () => {
      const clients = await this.clientsFor(request.subscriptionId, options);
      const signal = options?.signal;
      // A GET first, to name the existing identity as Azure spells it; the PUT's If-None-Match: * refuses one made
      // since (another window), which then reads as "already exists" too.
      const existing = await clients.userAssignedIdentities.find(request.resourceGroup, request.name, { signal });
      const taken = nameTakenProblem('identity', request.name, request.resourceGroup, existing ? [existing.name] : [], t);
      if (taken) {
        throw new IdentityError(taken, { kind: 'invalid', code: 'IdentityNameTaken' });
      }
      options?.onProgress?.(t("Checking your permissions on '{0}'…", request.resourceGroup));
      await this.accessGuard.ensureAllowed(createIdentityRequirements(request.subscriptionId, request.resourceGroup), { signal });
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
      progress(t("Checking your permissions on '{0}'…", request.resourceGroup));
      // Checked on the resource group: the VM does not exist yet. Its identities are linked scopes, checked on each.
      await this.accessGuard.ensureAllowed(
        [
          accessRequirement('writeVirtualMachine', `/subscriptions/${request.subscriptionId}/resourceGroups/${request.resourceGroup}`),
          ...(request.userAssignedIdentityIds ?? []).map((id) => accessRequirement('assignUserAssignedIdentity', id)),
        ],
        { signal },
      );
      progress(t("Creating '{0}' in '{1}'…", request.name, request.resourceGroup));
      let polls = 0;
      const write = this.timeLimited(signal);
      let accepted = false;
      try {
        return await clients.virtualMachines.create(request.resourceGroup, request.name, virtualMachineBody(request), {
          signal: write.signal,
          onAccepted: () => (accepted = true),
          onPoll: () =>
            progress(++polls > 1 ? t("Waiting for Azure to finish creating '{0}' ({1})…", request.name, polls) : t("Waiting for Azure to finish creating '{0}'…", request.name)),
        });
      } catch (error) {
        const mapped = toIdentityError(error, { ...this.errorContext(), ...context });
        if (accepted) {
          throw await this.acceptedCreateError(clients, request, mapped, write.timedOut() ? 'timedOut' : mapped.kind === 'cancelled' ? 'cancelled' : undefined);
        }
        throw mapped;
      } finally {
        write.dispose();
      }
    });
  }

  /** Create VM's counterpart of acceptedWriteError: Azure accepted the PUT, then its operation failed, its outcome
   *  could not be read, or the wait stopped. The VM may exist anyway: read it and say what is there. */
  private async acceptedCreateError(
    clients: SubscriptionClients,
    request: CreateVirtualMachineRequest,
    cause: IdentityError,
    stoppedWaiting: 'timedOut' | 'cancelled' | undefined,
  ): Promise<AcceptedWriteError> {
    const t = this.t;
    const ref: IdentityHostRef = {
      kind: 'virtualMachine',
      subscriptionId: request.subscriptionId,
      resourceGroup: request.resourceGroup,
      name: request.name,
      id: virtualMachineId(request.subscriptionId, request.resourceGroup, request.name),
    };
    const read = await clients.virtualMachines.get(ref).then(
      (vm) => ({ vm }),
      (error: unknown) => ({ missing: toIdentityError(error).kind === 'notFound' }),
    );
    const now = 'vm' in read ? read.vm : undefined;
    const state = now
      ? t("'{0}' exists now, with {1}.", request.name, describeIdentity(now.identity, t))
      : 'missing' in read && read.missing
        ? t("'{0}' does not exist now.", request.name)
        : t("Reading '{0}' failed too, so whether it exists is not known: refresh later.", request.name);
    return this.acceptedError(cause, stoppedWaiting, now, undefined, {
      timedOut: (minutes) => t("Azure has not finished creating '{0}' after {1} minutes; stopped waiting. {2}", request.name, minutes, state),
      cancelled: () => t("Stopped waiting for Azure to create '{0}'; it may still be created. {1}", request.name, state),
      outcomeUnknown: (reason) => t("Azure accepted creating '{0}', but its outcome could not be read ({1}). {2}", request.name, reason, state),
      failed: (reason) => t("Azure reports creating '{0}' failed ({1}). {2}", request.name, reason, state),
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
    const context: ErrorContext = { vmName: this.label(host), hostName: host.name, graphAction: 'readMemberships', operation: this.t("list the groups of '{0}'", this.label(host)) };
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

  /** Removes the host's system-assigned identity from a group. Not a member (e.g. another window removed it first):
   *  IdentityError kind 'notMember'. */
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
      vmName: this.label(host),
      hostName: host.name,
      groupId,
      groupName: options?.groupName,
      graphAction: verb === 'add' ? 'addMember' : 'removeMember',
      operation: verb === 'add' ? t("add '{0}' to the group", this.label(host)) : t("remove '{0}' from the group", this.label(host)),
    };
    return this.run(context, options, async () => {
      const { clients, principalId } = await this.systemPrincipal(host, options);
      context.principalId = principalId;
      options?.onProgress?.(verb === 'add' ? t("Adding '{0}' to {1}…", this.label(host), group) : t("Removing '{0}' from {1}…", this.label(host), group));
      try {
        await change(clients, principalId);
      } catch (error) {
        if (error instanceof ServiceError && error.status === 404) {
          throw (await this.explainGroupNotFound(clients, host, principalId, groupId, group, verb, options)) ?? error;
        }
        throw error;
      }
    });
  }

  /**
   * Graph answers 404 alike for a missing group, a missing principal and (on remove) a membership that is not there.
   * Another window may have turned the identity off or removed the membership since this one read the VM: read what
   * is true now and say it, or leave Graph's own error (undefined) when that cannot be told.
   */
  private async explainGroupNotFound(
    clients: SubscriptionClients,
    host: HostRefOrHost,
    principalId: string,
    groupId: string,
    group: string,
    verb: 'add' | 'remove',
    options: OperationOptions | undefined,
  ): Promise<IdentityError | undefined> {
    const t = this.t;
    const now = await hostClient(clients, host).get(host, { signal: options?.signal }).catch(() => undefined);
    if (now && (!hasSystemAssigned(now.identity.type) || !sameResourceId(now.identity.principalId ?? '', principalId))) {
      // Its memberships went with the service principal: nothing was added, and nothing is left to remove.
      const message = t("'{0}' no longer has the system-assigned identity this was for (it was turned off or replaced meanwhile), so it is not in {1}.", this.label(host), group);
      return new IdentityError(message, { kind: verb === 'remove' ? 'notMember' : 'invalid', code: 'NoSystemAssignedIdentity' });
    }
    if (verb === 'remove') {
      const groups = await clients.graph.listMemberOf(principalId, this.graphCallOptions(options, false)).catch(() => undefined);
      if (groups && !groups.some((known) => sameResourceId(known.id, groupId))) {
        return new IdentityError(t("The identity of '{0}' is not a member of {1}: nothing to remove.", this.label(host), group), { kind: 'notMember' });
      }
    }
    return undefined;
  }

  /** The host's system-assigned principal: from the host given when it carries one, else from a GET. */
  private async systemPrincipal(host: HostRefOrHost, options?: OperationOptions): Promise<{ clients: SubscriptionClients; principalId: string }> {
    const clients = await this.clientsFor(host.subscriptionId, options);
    const known = 'identity' in host && hasSystemAssigned(host.identity.type) ? host.identity.principalId : undefined;
    if (known) {
      return { clients, principalId: known };
    }
    options?.onProgress?.(this.t("Reading the identity of '{0}'…", this.label(host)));
    const current = await hostClient(clients, host).get(host, { signal: options?.signal });
    if (!hasSystemAssigned(current.identity.type) || !current.identity.principalId) {
      throw new IdentityError(
        this.t("'{0}' has no system-assigned identity, so it cannot be in a Microsoft Entra group. Enable its system-assigned identity first.", this.label(host)),
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

  /** What every error message needs whatever the call: the language, the sign-in and the subscriptions' names. */
  private errorContext(): ErrorContext {
    return { localize: this.t, signInMethod: this.signInMethod(), scopeNames: this.accessGuard.scopeNames };
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

/** Azure's reason for a failed operation: its code and its own words ("InternalExecutionError: Something broke."). */
function failureReason(cause: IdentityError): string {
  const words = cause.serviceMessage ?? cause.message;
  return cause.code && words && !words.startsWith(cause.code) ? `${cause.code}: ${words.replace(/\.$/, '')}` : cause.code ?? words;
}
