// What the extension knows about Azure, apart from any view: each subscription's identity hosts
// (loading, loaded or failed), each host's latest state with its ETag, the group memberships of its system-assigned
// identity, and the "updating" marks of writes under way. It loads through the operations module and fires
// onDidChange with what changed; the tree renders it, the JSON tabs follow it, commands read and update it.
// No `vscode` import (unit-tested).
import type { AccessPrincipal, RoleAssignmentEntry } from '../identity/accessOperations';
import { principalIdOf } from '../identity/accessOperations';
import { hasSystemAssigned } from '../identity/identityChange';
import type { EntraGroup, HostListing, IdentityHost, IdentityHostRef, OperationOptions, Subscription } from '../identity/model';

export type { HostListing, ListingSource } from '../identity/model';
import { sortBy } from '../identity/ordering';
import { resourceKey } from '../identity/resourceIds';

/** Only the address of a host (a node or a tab keeps this, and reads the state from the store). */
export function hostRef(host: IdentityHostRef): IdentityHostRef {
  return { kind: host.kind, subscriptionId: host.subscriptionId, resourceGroup: host.resourceGroup, name: host.name, id: host.id };
}

/** What the store reads from Azure: IdentityOperations provides it. */
export interface StoreSource {
  /** Every subscription; `onPage` sees them page by page first (whether more pages follow). */
  listSubscriptions(onPage?: (page: Subscription[], morePages: boolean) => void): Promise<Subscription[]>;
  /** Every host (VMs and scale sets) of each subscription, told to `listed` as soon as each subscription's list is
   *  complete; every subscription asked for is told exactly once unless the promise rejects, after any number of
   *  partial listings (`partial`: a part of a long list, shown while the rest loads). `knownHosts`: how many hosts a
   *  subscription had when last listed, so that a refresh can ask for all its pages at once. */
  listHosts(subscriptionIds: string[], listed: (listing: HostListing) => void, knownHosts?: (subscriptionId: string) => number | undefined): Promise<void>;
  /** Whether this many subscriptions are listed in one query (Resource Graph): then the tree's shown subscriptions
   *  load together, before they are expanded. */
  listsTogether?(subscriptionCount: number): boolean;
  getHost(host: IdentityHostRef): Promise<IdentityHost>;
  listGroupMemberships(host: IdentityHost, options: OperationOptions): Promise<EntraGroup[]>;
  /** The principal's role assignments (one request filtered by principalId). */
  listRoleAssignments(principal: AccessPrincipal): Promise<RoleAssignmentEntry[]>;
  /** The hosts that use a user-assigned identity, across the selected subscriptions. */
  listIdentityConsumers(identityId: string): Promise<IdentityHost[]>;
}

/** Something read from Azure: loaded, or failed with the error. */
export type Loaded<T> = { status: 'loaded'; value: T } | { status: 'failed'; error: unknown };
/** Something loaded from Azure, or still loading (`partial`: what is known so far of a long list). */
export type Loadable<T> = { status: 'loading'; partial?: T } | Loaded<T>;

/**
 * What changed: everything, one subscription's list of hosts, or one host. A host's `aspect` says which part:
 * its state (identity, ETag), its group memberships, or its "updating" mark.
 */
export type StoreChange =
  | { kind: 'all' }
  | { kind: 'subscription'; subscriptionId: string }
  | { kind: 'host'; key: string; aspect: 'state' | 'memberships' | 'updating' }
  /** A principal's role assignments (keyed by resourceKey of its principal id). */
  | { kind: 'roleAssignments'; principalKey: string }
  /** Where a user-assigned identity is used (keyed by resourceKey of its id). */
  | { kind: 'consumers'; identityKey: string };

export interface Disposable {
  dispose(): void;
}

type Memberships = Loaded<EntraGroup[]>;

/** How long a host's state read from ARM (a write's answer, a read, an ARM listing) wins over Resource Graph rows
 *  listed later: ARG lags ARM, "95% of changes within 30 s", with no upper bound (wire facts section 9). */
export const RESOURCE_GRAPH_LAG_ALLOWANCE_MS = 5 * 60_000;

export interface ResourceStoreOptions {
  now?: () => number;
  resourceGraphLagAllowanceMs?: number;
}

interface HostEntry {
  host: IdentityHost;
  /** When the store took `host` from ARM (Date.now()); undefined when it came from Resource Graph. */
  armAt?: number;
  /** Direct groups of the system-assigned identity; kept while its principal stays the same. */
  memberships?: Memberships;
  /** Set by a retry: the next memberships load may show Microsoft Graph's consent prompt. */
  allowSignInPrompt?: boolean;
  /** The title of the write under way, shown as "Updating...". */
  updating?: string;
}

type SettledHostList = { status: 'loaded'; keys: string[] } | { status: 'failed'; error: unknown };
/** A list still loading settles once; `partialKeys` are the hosts of its partial listings so far, and `firstPart`
 *  resolves when the first of those arrives. */
type LoadingHostList = { status: 'loading'; settled: Promise<SettledHostList>; firstPart: Promise<void>; partialKeys?: string[] };
type HostList = LoadingHostList | SettledHostList;

/** The order hosts are shown in: by resource group, then name. */
function sortHosts(hosts: readonly IdentityHost[]): IdentityHost[] {
  return sortBy(hosts, (host) => [host.resourceGroup, host.name]);
}

export class ResourceStore implements Disposable {
  private readonly listeners = new Set<(change: StoreChange) => void>();
  /** By resourceKey(host id): every host the store has seen, in or out of a loaded list. */
  private readonly hostEntries = new Map<string, HostEntry>();
  /** hostEntries' keys by lower-cased subscription id, and how many hosts have each lower-cased name: a listing and a
   *  label look up these rather than scan every host (thousands of hosts, hundreds of subscriptions). */
  private readonly hostKeysBySubscription = new Map<string, Set<string>>();
  private readonly hostNameCounts = new Map<string, number>();
  /** How many hosts each subscription (lower-case id) had when last listed; kept across reloads. */
  private readonly listedCounts = new Map<string, number>();
  /** By lower-cased subscription id. */
  private readonly hostLists = new Map<string, HostList>();
  private readonly membershipLoads = new Map<string, Promise<void>>();
  /** By resourceKey(principal id); the loads under way, so a forgotten load's answer is dropped. */
  private readonly roleAssignmentLists = new Map<string, Loaded<RoleAssignmentEntry[]>>();
  private readonly roleAssignmentLoads = new Map<string, Promise<void>>();
  /** By resourceKey(user-assigned identity id). */
  private readonly consumerLists = new Map<string, Loaded<IdentityHost[]>>();
  private readonly consumerLoads = new Map<string, Promise<void>>();

  private readonly now: () => number;
  private readonly lagAllowanceMs: number;

  constructor(
    private readonly source: StoreSource,
    options: ResourceStoreOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.lagAllowanceMs = options.resourceGraphLagAllowanceMs ?? RESOURCE_GRAPH_LAG_ALLOWANCE_MS;
  }

  onDidChange(listener: (change: StoreChange) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  dispose(): void {
    this.listeners.clear();
  }

  // ---------- Subscriptions ----------

  /** Lists the subscriptions from Azure, each time: the tree's root asks after every full refresh, a pick when it opens.
   *  `onPage` sees them page by page first, so that a long list can be shown, and its hosts loaded, as it arrives. */
  loadSubscriptions(onPage?: (page: Subscription[], morePages: boolean) => void): Promise<Subscription[]> {
    return this.source.listSubscriptions(onPage);
  }

  /** Forgets every loaded list (hosts stay known by id until listed again); everything is read again when shown. */
  reloadAll(): void {
    this.hostLists.clear();
    this.roleAssignmentLists.clear();
    this.roleAssignmentLoads.clear();
    this.consumerLists.clear();
    this.consumerLoads.clear();
    this.fire({ kind: 'all' });
  }

  // ---------- Hosts ----------

  /** The subscription's hosts: the loaded list (no request), the load under way, or a new load after a failure. */
  async loadHosts(subscriptionId: string): Promise<Loaded<IdentityHost[]>> {
    const list = this.listOrLoad(subscriptionId);
    return this.toLoaded(list.status === 'loading' ? await list.settled : list);
  }

  /** The subscription's list: as it is, or a new load when there is none or it failed. */
  private listOrLoad(subscriptionId: string): HostList {
    const listKey = resourceKey(subscriptionId);
    if (this.needsLoad(listKey)) {
      this.startLoads([subscriptionId]);
    }
    return this.hostLists.get(listKey)!;
  }

  /** The subscriptions the tree shows: when the source lists that many in one query, they start loading together now
   *  (one paged Resource Graph query rather than one listing per expanded subscription); otherwise nothing happens. */
  prefetchHosts(subscriptionIds: readonly string[]): void {
    const missing = subscriptionIds.filter((id) => this.needsLoad(resourceKey(id)));
    if (missing.length > 0 && this.source.listsTogether?.(missing.length)) {
      this.startLoads(missing);
    }
  }

  /**
   * The subscription's hosts as soon as some are known: the loaded list, its failure, or (for a long list) the part
   * listed so far, as `loading` with `partial`; a 'subscription' change fires when such a list is complete.
   */
  async loadSomeHosts(subscriptionId: string): Promise<Loadable<IdentityHost[]>> {
    const list = this.listOrLoad(subscriptionId);
    if (list.status === 'loading') {
      await Promise.race([list.settled, list.firstPart]);
    }
    return this.hostsState(subscriptionId) ?? { status: 'loading' };
  }

  private needsLoad(listKey: string): boolean {
    const list = this.hostLists.get(listKey);
    return !list || list.status === 'failed';
  }

  /** {@link loadHosts} for a command: the hosts, or the load's error thrown. */
  async hosts(subscriptionId: string): Promise<IdentityHost[]> {
    const hosts = await this.loadHosts(subscriptionId);
    if (hosts.status === 'failed') {
      throw hosts.error;
    }
    return hosts.value;
  }

  /** The subscription's hosts as loaded so far, without a request; undefined when no load was asked for. */
  hostsState(subscriptionId: string): Loadable<IdentityHost[]> | undefined {
    const list = this.hostLists.get(resourceKey(subscriptionId));
    return list && this.toLoadable(list);
  }

  private toLoadable(list: HostList): Loadable<IdentityHost[]> {
    if (list.status !== 'loading') {
      return this.toLoaded(list);
    }
    return list.partialKeys ? { status: 'loading', partial: this.hostsOf(list.partialKeys) } : { status: 'loading' };
  }

  private hostsOf(keys: readonly string[]): IdentityHost[] {
    return keys.flatMap((key) => this.hostEntries.get(key)?.host ?? []);
  }

  private toLoaded(list: SettledHostList): Loaded<IdentityHost[]> {
    return list.status === 'failed'
      ? { status: 'failed', error: list.error }
      : { status: 'loaded', value: this.hostsOf(list.keys) };
  }

  /** Lists one subscription's hosts again when next shown, leaving the other subscriptions as loaded. */
  reloadSubscription(subscriptionId: string): void {
    this.hostLists.delete(resourceKey(subscriptionId));
    this.fire({ kind: 'subscription', subscriptionId });
  }

  /** How messages and titles name a host: its name, with its resource group ("vm-x (rg-a)") where another host the
   *  store knows has the same name (names are unique only within a resource group). */
  readonly hostLabel = (ref: IdentityHostRef): string => {
    const name = resourceKey(ref.name);
    const known = this.hostEntries.get(resourceKey(ref.id));
    const self = known && resourceKey(known.host.name) === name ? 1 : 0;
    return (this.hostNameCounts.get(name) ?? 0) > self ? `${ref.name} (${ref.resourceGroup})` : ref.name;
  };

  /** Stores a host's entry, keeping the indexes (a key's subscription and name never change: both are in its id). */
  private putEntry(key: string, entry: HostEntry): void {
    if (!this.hostEntries.has(key)) {
      const subscriptionKey = resourceKey(entry.host.subscriptionId);
      let keys = this.hostKeysBySubscription.get(subscriptionKey);
      if (!keys) {
        keys = new Set();
        this.hostKeysBySubscription.set(subscriptionKey, keys);
      }
      keys.add(key);
      const name = resourceKey(entry.host.name);
      this.hostNameCounts.set(name, (this.hostNameCounts.get(name) ?? 0) + 1);
    }
    this.hostEntries.set(key, entry);
  }

  /** The latest state of a host the store has seen (from a listing, a read or a write). */
  host(ref: IdentityHostRef | string): IdentityHost | undefined {
    return this.hostEntries.get(resourceKey(typeof ref === 'string' ? ref : ref.id))?.host;
  }

  /**
   * A host as Azure just reported it (the answer of a write, or a read). Its group memberships stay known unless its
   * system-assigned principal changed or went away.
   */
  applyHost(host: IdentityHost): void {
    const key = resourceKey(host.id);
    const entry = this.hostEntries.get(key);
    // The identities it uses changed: where those are used is read again when shown.
    const before = Object.keys(entry?.host.identity.userAssignedIdentities ?? {}).map(resourceKey);
    const after = Object.keys(host.identity.userAssignedIdentities).map(resourceKey);
    for (const identityKey of [...before.filter((id) => !after.includes(id)), ...after.filter((id) => !before.includes(id))]) {
      this.forgetConsumers(identityKey);
    }
    if (!entry) {
      this.putEntry(key, { host, armAt: this.now() });
    } else {
      if (entry.host.identity.principalId !== host.identity.principalId || !hasSystemAssigned(host.identity.type)) {
        entry.memberships = undefined;
      }
      entry.host = host;
      entry.armAt = this.now();
    }
    this.fire({ kind: 'host', key, aspect: 'state' });
  }

  /** A created host: joins its subscription's loaded list without a request (a list not loaded yet lists it when shown). */
  addHost(host: IdentityHost): void {
    this.applyHost(host);
    const list = this.hostLists.get(resourceKey(host.subscriptionId));
    if (list?.status !== 'loaded') {
      return;
    }
    const key = resourceKey(host.id);
    const hosts = [...list.keys.filter((other) => other !== key), key].flatMap((k) => this.hostEntries.get(k)?.host ?? []);
    list.keys = sortHosts(hosts).map((h) => resourceKey(h.id));
    this.fire({ kind: 'subscription', subscriptionId: host.subscriptionId });
  }

  /**
   * Reads a host again (after a failed or cancelled write, or a refresh). When the read fails (the host may be gone,
   * or Azure unreachable), its subscription is listed again, which shows the error if that fails too.
   */
  async rereadHost(ref: IdentityHostRef): Promise<void> {
    try {
      this.applyHost(await this.source.getHost(ref));
    } catch {
      this.reloadSubscription(ref.subscriptionId);
    }
  }

  /** An explicit refresh of one host: its state and its memberships are read again. */
  async refreshHost(ref: IdentityHostRef): Promise<void> {
    this.forgetMemberships(ref);
    await this.rereadHost(ref);
  }

  // ---------- Group memberships of the system-assigned identity ----------

  /** Undefined while not loaded (or forgotten). */
  memberships(ref: IdentityHostRef): Loaded<EntraGroup[]> | undefined {
    return this.hostEntries.get(resourceKey(ref.id))?.memberships;
  }

  /** The groups when loaded; undefined when not loaded or the load failed. */
  knownGroups(ref: IdentityHostRef): EntraGroup[] | undefined {
    const memberships = this.memberships(ref);
    return memberships?.status === 'loaded' ? memberships.value : undefined;
  }

  /**
   * Loads the memberships once (silently, unless a retry allowed the consent prompt). A result that arrives after the
   * principal changed is dropped. Fires a 'memberships' change when stored.
   */
  loadMemberships(ref: IdentityHostRef): Promise<void> {
    const key = resourceKey(ref.id);
    const entry = this.hostEntries.get(key);
    if (!entry || entry.memberships) {
      return Promise.resolve();
    }
    let loading = this.membershipLoads.get(key);
    if (!loading) {
      loading = this.fetchMemberships(key, entry).finally(() => this.membershipLoads.delete(key));
      this.membershipLoads.set(key, loading);
    }
    return loading;
  }

  /**
   * After a group write: `update` gives the new list from the loaded one (no request); without `update`, or when
   * nothing was loaded, the memberships are read again when next shown.
   */
  updateMemberships(ref: IdentityHostRef, update?: (groups: EntraGroup[]) => EntraGroup[]): void {
    const entry = this.hostEntries.get(resourceKey(ref.id));
    if (!entry) {
      return;
    }
    const known = this.knownGroups(ref);
    entry.memberships = update && known ? { status: 'loaded', value: update(known) } : undefined;
    this.fire({ kind: 'host', key: resourceKey(ref.id), aspect: 'memberships' });
  }

  /** Retry after a failed load: read again, and this time Microsoft Graph may ask for consent. */
  retryMemberships(ref: IdentityHostRef): void {
    const entry = this.hostEntries.get(resourceKey(ref.id));
    if (entry) {
      entry.allowSignInPrompt = true;
    }
    this.forgetMemberships(ref);
  }

  private forgetMemberships(ref: IdentityHostRef): void {
    this.updateMemberships(ref, undefined);
  }

  // ---------- Role assignments of an identity, and where a user-assigned identity is used ----------

  /** Undefined while not loaded (or forgotten). */
  roleAssignments(principalId: string): Loaded<RoleAssignmentEntry[]> | undefined {
    return this.roleAssignmentLists.get(resourceKey(principalId));
  }

  /** Loads the principal's assignments once; fires a 'roleAssignments' change when stored. */
  loadRoleAssignments(principal: AccessPrincipal): Promise<void> {
    const key = resourceKey(principalIdOf(principal));
    return this.loadOnce(key, this.roleAssignmentLists, this.roleAssignmentLoads, () => this.source.listRoleAssignments(principal), () =>
      this.fire({ kind: 'roleAssignments', principalKey: key }),
    );
  }

  /** After a grant or revoke (or Retry): read the principal's assignments again when next shown. */
  forgetRoleAssignments(principalId: string): void {
    const key = resourceKey(principalId);
    this.roleAssignmentLists.delete(key);
    this.roleAssignmentLoads.delete(key);
    this.fire({ kind: 'roleAssignments', principalKey: key });
  }

  /** The hosts that use the identity; undefined while not loaded. */
  consumers(identityId: string): Loaded<IdentityHost[]> | undefined {
    return this.consumerLists.get(resourceKey(identityId));
  }

  loadConsumers(identityId: string): Promise<void> {
    const key = resourceKey(identityId);
    return this.loadOnce(key, this.consumerLists, this.consumerLoads, () => this.source.listIdentityConsumers(identityId), () =>
      this.fire({ kind: 'consumers', identityKey: key }),
    );
  }

  /** Where the identity is used is read again when next shown (an assignment changed, or it was deleted). */
  forgetConsumers(identityId: string): void {
    const key = resourceKey(identityId);
    const known = this.consumerLists.delete(key);
    this.consumerLoads.delete(key);
    if (known) {
      this.fire({ kind: 'consumers', identityKey: key });
    }
  }

  /** One load per key at a time; an answer that arrives after the key was forgotten is dropped. */
  private loadOnce<T>(key: string, results: Map<string, Loaded<T>>, loads: Map<string, Promise<void>>, load: () => Promise<T>, stored: () => void): Promise<void> {
    if (results.has(key)) {
      return Promise.resolve();
    }
    let loading = loads.get(key);
    if (!loading) {
      const current: Promise<void> = load().then(
        (value) => this.settle(key, results, loads, current, { status: 'loaded', value }, stored),
        (error: unknown) => this.settle(key, results, loads, current, { status: 'failed', error }, stored),
      );
      loading = current;
      loads.set(key, loading);
    }
    return loading;
  }

  private settle<T>(key: string, results: Map<string, Loaded<T>>, loads: Map<string, Promise<void>>, load: Promise<void>, result: Loaded<T>, stored: () => void): void {
    if (loads.get(key) !== load) {
      return;
    }
    loads.delete(key);
    results.set(key, result);
    stored();
  }

  // ---------- "Updating..." marks ----------

  /** Marks a host as being written to (the write's title), or not (undefined). */
  setUpdating(ref: IdentityHostRef, title: string | undefined): void {
    const key = resourceKey(ref.id);
    const entry = this.hostEntries.get(key);
    if (entry) {
      entry.updating = title;
      this.fire({ kind: 'host', key, aspect: 'updating' });
    }
  }

  /** The title of the write under way on the host, if any. */
  updating(ref: IdentityHostRef): string | undefined {
    return this.hostEntries.get(resourceKey(ref.id))?.updating;
  }

  // ---------- Loading ----------

  /** Lists the subscriptions' hosts in one call to the source; each answer becomes its subscription's list unless a
   *  reload was asked for meanwhile. */
  private startLoads(subscriptionIds: readonly string[]): void {
    const startedAt = this.now();
    const pending = new Map<string, { subscriptionId: string; self: LoadingHostList; resolve(list: SettledHostList): void; firstPartArrived(): void }>();
    for (const subscriptionId of subscriptionIds) {
      let resolve!: (list: SettledHostList) => void;
      let firstPartArrived!: () => void;
      const self: LoadingHostList = { status: 'loading', settled: new Promise((r) => (resolve = r)), firstPart: new Promise((r) => (firstPartArrived = r)) };
      this.hostLists.set(resourceKey(subscriptionId), self);
      pending.set(resourceKey(subscriptionId), { subscriptionId, self, resolve, firstPartArrived });
    }
    const settle = (listKey: string, list: SettledHostList) => {
      const load = pending.get(listKey);
      if (!load) {
        return;
      }
      pending.delete(listKey);
      if (list.status === 'loaded') {
        this.listedCounts.set(listKey, list.keys.length);
      }
      const current = this.hostLists.get(listKey) === load.self;
      if (current) {
        this.hostLists.set(listKey, list);
      }
      load.resolve(list);
      // A part was shown without waiting for the rest: the whole list replaces it.
      if (current && load.self.partialKeys) {
        this.fire({ kind: 'subscription', subscriptionId: load.subscriptionId });
      }
    };
    // Parts add up (a part read through ARM, then pages through Resource Graph in another order) until the list settles.
    const takePart = (listKey: string, part: SettledHostList) => {
      const load = pending.get(listKey);
      if (!load || part.status !== 'loaded' || this.hostLists.get(listKey) !== load.self) {
        return;
      }
      const keys = new Set([...(load.self.partialKeys ?? []), ...part.keys]);
      load.self.partialKeys = sortHosts(this.hostsOf([...keys])).map((host) => resourceKey(host.id));
      load.firstPartArrived();
      this.fire({ kind: 'subscription', subscriptionId: load.subscriptionId });
    };
    void this.source
      .listHosts(
        [...subscriptionIds],
        (listing) => {
          const listKey = resourceKey(listing.subscriptionId);
          const list = this.takeListing(listing, startedAt);
          if (listing.partial) {
            takePart(listKey, list);
          } else {
            settle(listKey, list);
          }
        },
        (subscriptionId) => this.listedCounts.get(resourceKey(subscriptionId)),
      )
      .then(
        () => new Error('The listing ended without this subscription.'),
        (error: unknown) => error,
      )
      .then((error) => [...pending.keys()].forEach((listKey) => settle(listKey, { status: 'failed', error })));
  }

  /**
   * Stores a listing's hosts. (Re)listing is a refresh: groups are read again when shown. A Resource Graph row does not
   * replace a state the store took from ARM within the lag allowance before the listing started (it may predate a
   * write), and a host ARM reported that recently stays in the list even if the rows do not have it yet (just created).
   */
  private takeListing(listing: HostListing, startedAt: number): SettledHostList {
    if (listing.result.status === 'failed') {
      return { status: 'failed', error: listing.result.error };
    }
    const fromGraph = listing.from === 'resourceGraph';
    const recentFromArm = (entry: HostEntry | undefined) => entry?.armAt !== undefined && startedAt - entry.armAt < this.lagAllowanceMs;
    const keys = new Set<string>();
    for (const host of listing.result.value) {
      const key = resourceKey(host.id);
      keys.add(key);
      const entry = this.hostEntries.get(key);
      if (fromGraph && recentFromArm(entry)) {
        continue;
      }
      this.putEntry(key, { ...entry, host, memberships: undefined, armAt: fromGraph ? undefined : startedAt });
    }
    if (fromGraph) {
      for (const key of this.hostKeysBySubscription.get(resourceKey(listing.subscriptionId)) ?? []) {
        if (!keys.has(key) && recentFromArm(this.hostEntries.get(key))) {
          keys.add(key);
        }
      }
    }
    return { status: 'loaded', keys: sortHosts(this.hostsOf([...keys])).map((host) => resourceKey(host.id)) };
  }

  private async fetchMemberships(key: string, entry: HostEntry): Promise<void> {
    const host = entry.host;
    // Expanding an item stays silent (no consent prompt) unless the user asked for it with Retry.
    const options = { allowSignInPrompt: entry.allowSignInPrompt ?? false };
    entry.allowSignInPrompt = undefined;
    let memberships: Memberships;
    try {
      // The host as known, so the operations module can use its principal without reading it again.
      memberships = { status: 'loaded', value: await this.source.listGroupMemberships(host, options) };
    } catch (error) {
      memberships = { status: 'failed', error };
    }
    const current = this.hostEntries.get(key);
    if (current && current.host.identity.principalId === host.identity.principalId) {
      current.memberships = memberships;
      this.fire({ kind: 'host', key, aspect: 'memberships' });
    }
  }

  private fire(change: StoreChange): void {
    for (const listener of [...this.listeners]) {
      listener(change);
    }
  }
}
