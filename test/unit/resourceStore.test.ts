// The resource store: what it loads and when, the events it fires, ids compared without regard to case, the
// "updating" marks, a write's answer applied, and group memberships kept unless the principal changed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HostListing, IdentityHost } from '../../src/identity/model';
import { ResourceStore, type StoreChange } from '../../src/store/resourceStore';
import { hostRefFromIdentityJsonPath, identityJsonPath } from '../../src/ui/identityJsonPath';
import { FakeSource, groupA, groupB, host, none, SUB, system, vmId } from './support/fakeStoreSource';

function setUp(hosts: IdentityHost[]) {
  const source = new FakeSource();
  source.hosts = hosts;
  const store = new ResourceStore(source);
  const changes: StoreChange[] = [];
  store.onDidChange((change) => changes.push(change));
  return { source, store, changes };
}

const names = (hosts: IdentityHost[]) => hosts.map((h) => h.name);

describe('ResourceStore: hosts of a subscription', () => {
  it('lists once, in display order (resource group, then name), and shares a load under way', async () => {
    const { source, store } = setUp([host('rg-web', 'vm-b'), host('rg-data', 'vm-z'), host('rg-web', 'vm-a')]);
    assert.equal(store.hostsState(SUB), undefined, 'nothing asked yet');
    const [first, second] = await Promise.all([store.loadHosts(SUB), store.loadHosts(SUB)]);
    assert.deepEqual(first.status === 'loaded' && names(first.value), ['vm-z', 'vm-a', 'vm-b']);
    assert.deepEqual(second, first);
    await store.loadHosts(SUB);
    assert.deepEqual(source.calls, [`listHosts ${SUB}`], 'one request for three asks');
    assert.equal(store.hostsState(SUB)?.status, 'loaded');
  });

  it('reports a failed listing, and lists again when asked next (Retry)', async () => {
    const { source, store } = setUp([host('rg', 'vm-1')]);
    source.failLists = 1;
    const failed = await store.loadHosts(SUB);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.status === 'failed' && (failed.error as Error).message, 'listing failed');
    await assert.rejects(() => (source.failLists = 1, store.hosts(SUB)), /listing failed/);
    const loaded = await store.loadHosts(SUB);
    assert.deepEqual(loaded.status === 'loaded' && names(loaded.value), ['vm-1']);
    assert.equal(source.calls.filter((call) => call.startsWith('listHosts')).length, 3);
  });

  it('lists one subscription again after reloadSubscription, and every one after reloadAll, firing what changed', async () => {
    const { source, store, changes } = setUp([host('rg', 'vm-1')]);
    await store.loadHosts(SUB);
    store.reloadSubscription(SUB);
    assert.deepEqual(changes, [{ kind: 'subscription', subscriptionId: SUB }]);
    assert.equal(store.hostsState(SUB), undefined);
    await store.loadHosts(SUB);
    store.reloadAll();
    assert.deepEqual(changes.at(-1), { kind: 'all' });
    await store.loadHosts(SUB);
    assert.equal(source.calls.filter((call) => call.startsWith('listHosts')).length, 3);
  });

  it('a created host joins the loaded list in order, without a request', async () => {
    const { source, store, changes } = setUp([host('rg', 'vm-a'), host('rg', 'vm-c')]);
    await store.loadHosts(SUB);
    store.addHost(host('rg', 'vm-b'));
    const state = store.hostsState(SUB);
    assert.deepEqual(state?.status === 'loaded' && names(state.value), ['vm-a', 'vm-b', 'vm-c']);
    assert.deepEqual(changes.at(-1), { kind: 'subscription', subscriptionId: SUB });
    assert.deepEqual(source.calls, [`listHosts ${SUB}`]);
  });

  it('tells the source how many hosts a subscription had when last listed, across reloads (a refresh asks for every page at once)', async () => {
    const { source, store } = setUp([host('rg', 'vm-1'), host('rg', 'vm-2')]);
    const told: (number | undefined)[] = [];
    const list = source.listHosts.bind(source);
    source.listHosts = (ids, listed, knownHosts) => {
      told.push(knownHosts?.(SUB.toUpperCase()));
      return list(ids, listed);
    };
    await store.loadHosts(SUB);
    store.reloadAll();
    await store.loadHosts(SUB);
    assert.deepEqual(told, [undefined, 2], 'unknown at first, then what the last listing had (ids in any casing)');
  });

  it('a created host in a subscription not listed yet waits for the listing', async () => {
    const { store } = setUp([]);
    store.addHost(host('rg', 'vm-new'));
    assert.equal(store.hostsState(SUB), undefined);
    assert.equal(store.host(vmId('rg', 'vm-new'))?.name, 'vm-new', 'known by id all the same');
  });
});

describe('ResourceStore: a long list shown in parts', () => {
  /** A listing the test drives: parts and the end are told when the test says. */
  function drivenSource(source: FakeSource) {
    let tell!: (listing: HostListing) => void;
    let end!: () => void;
    source.listHosts = (subscriptionIds, listed) => {
      source.calls.push(`listHosts ${subscriptionIds.join(',')}`);
      tell = listed;
      return new Promise<void>((resolve) => (end = resolve));
    };
    return {
      part: (hosts: IdentityHost[], from: HostListing['from'] = 'arm') => tell({ subscriptionId: SUB, result: { status: 'loaded', value: hosts }, from, partial: true }),
      complete: (hosts: IdentityHost[], from: HostListing['from'] = 'arm') => {
        tell({ subscriptionId: SUB, result: { status: 'loaded', value: hosts }, from });
        end();
      },
      fail: () => {
        tell({ subscriptionId: SUB, result: { status: 'failed', error: new Error('page 3 failed') }, from: 'arm' });
        end();
      },
    };
  }

  it('loadSomeHosts answers with the first part, parts add up in display order, and the whole list replaces them with a change', async () => {
    const { source, store, changes } = setUp([]);
    const listing = drivenSource(source);
    const some = store.loadSomeHosts(SUB);
    const whole = store.loadHosts(SUB);
    let wholeDone = false;
    void whole.then(() => (wholeDone = true));
    listing.part([host('rg-b', 'vm-2'), host('rg-a', 'vm-9')]);
    const first = await some;
    assert.equal(first.status, 'loading');
    assert.deepEqual(first.status === 'loading' && first.partial && names(first.partial), ['vm-9', 'vm-2']);
    assert.deepEqual(changes, [{ kind: 'subscription', subscriptionId: SUB }]);
    // A later part in another order (Resource Graph after an ARM page) adds to what is shown; nothing is lost.
    listing.part([host('rg-a', 'vm-1'), host('rg-b', 'vm-2')], 'resourceGraph');
    const state = store.hostsState(SUB);
    assert.deepEqual(state?.status === 'loading' && state.partial && names(state.partial), ['vm-1', 'vm-9', 'vm-2']);
    await Promise.resolve();
    assert.equal(wholeDone, false, 'loadHosts waits for the whole list');
    listing.complete([host('rg-a', 'vm-1'), host('rg-a', 'vm-9'), host('rg-b', 'vm-2'), host('rg-b', 'vm-3')]);
    const done = await whole;
    assert.deepEqual(done.status === 'loaded' && names(done.value), ['vm-1', 'vm-9', 'vm-2', 'vm-3']);
    assert.equal(store.hostsState(SUB)?.status, 'loaded');
    assert.equal(changes.length, 3, 'two parts and the whole list, each a change of the subscription');
    assert.deepEqual(changes.at(-1), { kind: 'subscription', subscriptionId: SUB });
    assert.deepEqual(source.calls, [`listHosts ${SUB}`], 'one listing');
  });

  it('a list that fails after a part is shown fails, with a change; a short list fires no extra change', async () => {
    const { source, store, changes } = setUp([]);
    const listing = drivenSource(source);
    const some = store.loadSomeHosts(SUB);
    listing.part([host('rg', 'vm-1')]);
    await some;
    listing.fail();
    await Promise.resolve();
    assert.equal(store.hostsState(SUB)?.status, 'failed', 'loadHosts would list again (Retry); the state says failed');
    assert.equal(changes.length, 2);

    const short = setUp([host('rg', 'vm-1')]);
    const loaded = await short.store.loadSomeHosts(SUB);
    assert.deepEqual(loaded.status === 'loaded' && names(loaded.value), ['vm-1']);
    assert.deepEqual(short.changes, [], 'nothing was shown before the whole list');
  });

  it('a part that arrives after a reload asked for the list again is dropped', async () => {
    const { source, store } = setUp([]);
    const listing = drivenSource(source);
    void store.loadSomeHosts(SUB);
    store.reloadSubscription(SUB);
    listing.part([host('rg', 'vm-old')]);
    assert.equal(store.hostsState(SUB), undefined);
  });
});

describe('ResourceStore: one host', () => {
  it('finds a host by its id in any casing, and a differently spelt id updates the same host', async () => {
    const { store, changes } = setUp([host('rg-web', 'vm-1')]);
    await store.loadHosts(SUB);
    const upper = vmId('rg-web', 'vm-1').toUpperCase();
    assert.equal(store.host(upper)?.name, 'vm-1');
    assert.equal(store.host({ ...host('RG-WEB', 'VM-1'), id: upper })?.name, 'vm-1');
    store.applyHost({ ...host('RG-WEB', 'vm-1', system('p-1')), id: upper });
    const state = store.hostsState(SUB);
    assert.equal(state?.status === 'loaded' && state.value.length, 1, 'the same host, not a second one');
    assert.equal(store.host(vmId('rg-web', 'vm-1'))?.identity.principalId, 'p-1');
    assert.deepEqual(changes, [{ kind: 'host', key: vmId('rg-web', 'vm-1').toLowerCase(), aspect: 'state' }]);
  });

  it('applies the answer of a write: the list shows the new state at once, with its ETag', async () => {
    const { source, store } = setUp([host('rg', 'vm-1')]);
    await store.loadHosts(SUB);
    store.applyHost({ ...host('rg', 'vm-1', system('p-1')), etag: 'W/"2"' });
    const state = store.hostsState(SUB);
    assert.equal(state?.status === 'loaded' && state.value[0].identity.type, 'SystemAssigned');
    assert.equal(store.host(vmId('rg', 'vm-1'))?.etag, 'W/"2"');
    assert.deepEqual(source.calls, [`listHosts ${SUB}`], 'no read after a write');
  });

  it('reads a host again; when that fails, its subscription is listed again', async () => {
    const { source, store, changes } = setUp([host('rg', 'vm-1')]);
    await store.loadHosts(SUB);
    source.hosts = [host('rg', 'vm-1', system('p-9'))];
    await store.rereadHost(host('rg', 'vm-1'));
    assert.equal(store.host(vmId('rg', 'vm-1'))?.identity.principalId, 'p-9');
    source.failReads = true;
    await store.rereadHost(host('rg', 'vm-1'));
    assert.deepEqual(changes.at(-1), { kind: 'subscription', subscriptionId: SUB });
    assert.equal(store.hostsState(SUB), undefined, 'listed again when next shown');
  });

  it('marks a write under way with its title, fires it, and keeps the mark across a new listing', async () => {
    const { store, changes } = setUp([host('rg', 'vm-1')]);
    await store.loadHosts(SUB);
    const key = vmId('rg', 'vm-1').toLowerCase();
    store.setUpdating(host('rg', 'vm-1'), "Enabling the system-assigned identity of 'vm-1'...");
    assert.equal(store.updating(host('rg', 'vm-2')), undefined, 'only that host');
    assert.equal(store.updating({ ...host('rg', 'vm-1'), id: key.toUpperCase() }), "Enabling the system-assigned identity of 'vm-1'...");
    store.reloadSubscription(SUB);
    await store.loadHosts(SUB);
    assert.ok(store.updating(host('rg', 'vm-1')));
    store.setUpdating(host('rg', 'vm-1'), undefined);
    assert.equal(store.updating(host('rg', 'vm-1')), undefined);
    assert.deepEqual(
      changes.filter((change) => change.kind === 'host'),
      [
        { kind: 'host', key, aspect: 'updating' },
        { kind: 'host', key, aspect: 'updating' },
      ],
    );
  });

  it('stops telling a listener that disposed of its subscription', async () => {
    const { store } = setUp([host('rg', 'vm-1')]);
    const seen: StoreChange[] = [];
    const listener = store.onDidChange((change) => seen.push(change));
    store.reloadAll();
    listener.dispose();
    store.reloadAll();
    assert.equal(seen.length, 1);
  });
});

describe('ResourceStore: group memberships of the system-assigned identity', () => {
  async function withGroups() {
    const setup = setUp([host('rg', 'vm-1', system('p-1'))]);
    setup.source.groups.set('p-1', [groupA]);
    setup.source.groups.set('p-2', [groupB]);
    await setup.store.loadHosts(SUB);
    await setup.store.loadMemberships(host('rg', 'vm-1'));
    return setup;
  }

  it('loads once, silently (no consent prompt), and fires when stored', async () => {
    const { source, store, changes } = await withGroups();
    await store.loadMemberships(host('rg', 'vm-1'));
    assert.deepEqual(store.knownGroups(host('rg', 'vm-1')), [groupA]);
    assert.deepEqual(source.membershipOptions, [{ allowSignInPrompt: false }]);
    assert.deepEqual(changes, [{ kind: 'host', key: vmId('rg', 'vm-1').toLowerCase(), aspect: 'memberships' }]);
  });

  it('keeps them when a write leaves the principal as it was', async () => {
    const { store } = await withGroups();
    store.applyHost(host('rg', 'vm-1', { ...system('p-1'), type: 'SystemAssigned, UserAssigned', userAssignedIdentities: { '/x/id-a': {} } }));
    assert.deepEqual(store.knownGroups(host('rg', 'vm-1')), [groupA]);
  });

  it('forgets them when the principal changed or the system-assigned identity went away', async () => {
    const changed = await withGroups();
    changed.store.applyHost(host('rg', 'vm-1', system('p-2')));
    assert.equal(changed.store.memberships(host('rg', 'vm-1')), undefined);
    await changed.store.loadMemberships(host('rg', 'vm-1'));
    assert.deepEqual(changed.store.knownGroups(host('rg', 'vm-1')), [groupB], 'the new principal\'s groups');

    const disabled = await withGroups();
    disabled.store.applyHost(host('rg', 'vm-1', none));
    assert.equal(disabled.store.memberships(host('rg', 'vm-1')), undefined);
  });

  it('drops an answer that arrives after the principal changed', async () => {
    const { source, store } = setUp([host('rg', 'vm-1', system('p-1'))]);
    source.groups.set('p-1', [groupA]);
    await store.loadHosts(SUB);
    let open!: () => void;
    source.membershipGate = new Promise((resolve) => (open = resolve));
    const loading = store.loadMemberships(host('rg', 'vm-1'));
    store.applyHost(host('rg', 'vm-1', system('p-2')));
    open();
    await loading;
    assert.equal(store.memberships(host('rg', 'vm-1')), undefined, "p-1's groups are not shown for p-2");
  });

  it('updates them after a group write without a request, or forgets them when the outcome is unknown', async () => {
    const { source, store } = await withGroups();
    store.updateMemberships(host('rg', 'vm-1'), (groups) => [...groups, groupB]);
    assert.deepEqual(store.knownGroups(host('rg', 'vm-1')), [groupA, groupB]);
    store.updateMemberships(host('rg', 'vm-1'));
    assert.equal(store.memberships(host('rg', 'vm-1')), undefined);
    assert.equal(source.calls.filter((call) => call.startsWith('listGroupMemberships')).length, 1);
  });

  it('keeps a failed load as failed; Retry loads again, and this time may prompt', async () => {
    const { source, store } = setUp([host('rg', 'vm-1', system('p-1'))]);
    await store.loadHosts(SUB);
    source.membershipGate = Promise.reject(new Error('Graph refused'));
    source.membershipGate.catch(() => undefined);
    await store.loadMemberships(host('rg', 'vm-1'));
    const failed = store.memberships(host('rg', 'vm-1'));
    assert.equal(failed?.status === 'failed' && (failed.error as Error).message, 'Graph refused');
    assert.equal(store.knownGroups(host('rg', 'vm-1')), undefined);
    await store.loadMemberships(host('rg', 'vm-1'));
    assert.equal(source.membershipOptions.length, 1, 'a failure is not retried by itself');

    source.membershipGate = undefined;
    source.groups.set('p-1', [groupA]);
    store.retryMemberships(host('rg', 'vm-1'));
    await store.loadMemberships(host('rg', 'vm-1'));
    assert.deepEqual(store.knownGroups(host('rg', 'vm-1')), [groupA]);
    assert.deepEqual(source.membershipOptions, [{ allowSignInPrompt: false }, { allowSignInPrompt: true }]);
  });

  it('forgets them when the subscription is listed again (a refresh), and refreshHost reads both again', async () => {
    const { source, store } = await withGroups();
    store.reloadSubscription(SUB);
    await store.loadHosts(SUB);
    assert.equal(store.memberships(host('rg', 'vm-1')), undefined);
    await store.loadMemberships(host('rg', 'vm-1'));
    await store.refreshHost(host('rg', 'vm-1'));
    assert.equal(store.memberships(host('rg', 'vm-1')), undefined);
    assert.deepEqual(source.calls.slice(-1), ['getHost vm-1']);
  });
});

describe('ResourceStore: role assignments of an identity, and where a user-assigned identity is used', () => {
  const entry = (roleName: string) => ({
    assignment: { id: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments/${roleName}`, name: roleName, scope: `/subscriptions/${SUB}`, roleDefinitionId: '', principalId: 'p1', principalType: 'ServicePrincipal' as const },
    roleName,
    inherited: false,
  });
  const principal = (vm: IdentityHost) => ({ kind: 'systemAssigned' as const, host: vm, principalId: vm.identity.principalId! });

  it('loads once (shared while under way), fires, and reads again after it is forgotten (a grant or revoke)', async () => {
    const vm = host('rg', 'vm-1', system('P1'));
    const { source, store, changes } = setUp([vm]);
    source.roleAssignments.set('P1', [entry('Reader')]);
    await Promise.all([store.loadRoleAssignments(principal(vm)), store.loadRoleAssignments(principal(vm))]);
    assert.deepEqual(store.roleAssignments('p1'), { status: 'loaded', value: [entry('Reader')] }, 'principal ids in any casing');
    assert.deepEqual(changes, [{ kind: 'roleAssignments', principalKey: 'p1' }]);
    source.roleAssignments.set('P1', [entry('Reader'), entry('AcrPull')]);
    await store.loadRoleAssignments(principal(vm));
    assert.equal(source.calls.filter((c) => c.startsWith('listRoleAssignments')).length, 1);
    store.forgetRoleAssignments('P1');
    assert.equal(store.roleAssignments('P1'), undefined);
    await store.loadRoleAssignments(principal(vm));
    const reloaded = store.roleAssignments('P1');
    assert.deepEqual(reloaded?.status === 'loaded' && reloaded.value.map((e) => e.roleName), ['Reader', 'AcrPull']);
  });

  it('an answer that arrives after the list was forgotten is dropped; a failed load is kept until Retry forgets it', async () => {
    const vm = host('rg', 'vm-1', system('P1'));
    const { source, store } = setUp([vm]);
    source.roleAssignments.set('P1', [entry('Reader')]);
    let open!: () => void;
    source.roleAssignmentGate = new Promise((resolve) => (open = resolve));
    const stale = store.loadRoleAssignments(principal(vm));
    store.forgetRoleAssignments('P1');
    open();
    await stale;
    assert.equal(store.roleAssignments('P1'), undefined, 'the stale answer was not stored');
    source.roleAssignmentGate = undefined;
    source.roleAssignments.delete('P1');
    await store.loadRoleAssignments(principal(vm));
    assert.equal(store.roleAssignments('P1')?.status, 'failed');
  });

  it("consumers are read once and forgotten when a host's user-assigned identities change", async () => {
    const uai = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-a`;
    const withUai = { ...host('rg', 'vm-1'), identity: { type: 'UserAssigned' as const, userAssignedIdentities: { [uai]: { principalId: 'u' } } } };
    const { source, store, changes } = setUp([withUai, host('rg', 'vm-2')]);
    await store.loadHosts(SUB);
    await store.loadConsumers(uai.toUpperCase());
    assert.deepEqual(store.consumers(uai)?.status === 'loaded' && names((store.consumers(uai) as { value: IdentityHost[] }).value), ['vm-1']);
    store.applyHost({ ...withUai, etag: 'new' });
    assert.ok(store.consumers(uai), 'the same identities: kept');
    changes.length = 0;
    store.applyHost({ ...host('rg', 'vm-2'), identity: { type: 'UserAssigned', userAssignedIdentities: { [uai]: {} } } });
    assert.equal(store.consumers(uai), undefined, 'vm-2 now uses it: read again when shown');
    assert.ok(changes.some((c) => c.kind === 'consumers' && c.identityKey === uai.toLowerCase()));
    await store.loadConsumers(uai);
    assert.equal(source.calls.filter((c) => c.startsWith('listIdentityConsumers')).length, 2);
  });
});

describe('ResourceStore.hostLabel: names that collide name their resource group', () => {
  it('a unique name stays as it is; two VMs of one name in different groups get "name (group)"', async () => {
    const { store } = setUp([host('rg-a', 'vm-x'), host('rg-b', 'VM-X'), host('rg-a', 'vm-y')]);
    await store.loadHosts(SUB);
    assert.equal(store.hostLabel(host('rg-a', 'vm-y')), 'vm-y');
    assert.equal(store.hostLabel(host('rg-a', 'vm-x')), 'vm-x (rg-a)');
    assert.equal(store.hostLabel(host('rg-b', 'VM-X')), 'VM-X (rg-b)');
    assert.equal(store.hostLabel({ ...host('rg-a', 'vm-x'), id: host('rg-a', 'vm-x').id.toUpperCase() }), 'vm-x (rg-a)', 'the same VM spelt otherwise is no collision with itself');
  });
});

describe('Identity JSON tabs: the title names the resource group where names collide', () => {
  it('"vm-x (rg-a).identity.json" and "vm-x (rg-b).identity.json", each parsing back to its own VM; a unique name stays bare', async () => {
    const { store } = setUp([host('rg-a', 'vm-x'), host('rg-b', 'vm-x'), host('rg-a', 'vm-y')]);
    await store.loadHosts(SUB);
    const title = (path: string) => decodeURIComponent(path.split('/').pop()!);
    const paths = [host('rg-a', 'vm-x'), host('rg-b', 'vm-x'), host('rg-a', 'vm-y')].map((vm) => identityJsonPath(vm, store.hostLabel(vm)));
    assert.deepEqual(paths.map(title), ['vm-x (rg-a).identity.json', 'vm-x (rg-b).identity.json', 'vm-y.identity.json']);
    assert.deepEqual(paths.map((path) => hostRefFromIdentityJsonPath(path)?.id.toLowerCase()), [vmId('rg-a', 'vm-x'), vmId('rg-b', 'vm-x'), vmId('rg-a', 'vm-y')].map((id) => id.toLowerCase()));
    assert.equal(hostRefFromIdentityJsonPath(paths[0])?.name, 'vm-x');
  });

  it('a scale set keeps its own segment', () => {
    const scaleSet = { ...host('rg-a', 'vmss-x'), kind: 'virtualMachineScaleSet' as const };
    const ref = hostRefFromIdentityJsonPath(identityJsonPath(scaleSet, 'vmss-x (rg-a)'));
    assert.equal(ref?.kind, 'virtualMachineScaleSet');
    assert.equal(ref?.name, 'vmss-x');
  });
});

describe('ResourceStore: many subscriptions and Resource Graph rows', () => {
  const OTHER = 'c0ffee00-0000-4000-8000-000000000002';

  it('prefetchHosts loads the shown subscriptions in one call when the source lists them together, and not otherwise', async () => {
    const { source, store } = setUp([host('rg-web', 'vm-a')]);
    store.prefetchHosts([SUB, OTHER]);
    assert.deepEqual(source.calls, [], 'the source lists one at a time: nothing before an expand');
    source.together = true;
    store.prefetchHosts([SUB, OTHER]);
    assert.deepEqual(source.calls, [`listHosts ${SUB},${OTHER}`]);
    assert.deepEqual(names(await store.hosts(SUB)), ['vm-a']);
    assert.deepEqual(await store.hosts(OTHER), []);
    store.prefetchHosts([SUB, OTHER]);
    assert.equal(source.calls.length, 1, 'loaded lists are not asked again');
  });

  it('a subscription the listing never tells about fails, not hangs', async () => {
    const { source, store } = setUp([]);
    source.listHosts = async () => {};
    const hosts = await store.loadHosts(SUB);
    assert.equal(hosts.status, 'failed');
  });

  it("keeps a state taken from ARM over an older Graph row within the lag allowance, and takes the row after it", async () => {
    let now = 1_000_000;
    const source = new FakeSource();
    const store = new ResourceStore(source, { now: () => now, resourceGraphLagAllowanceMs: 60_000 });
    source.listingFrom = 'resourceGraph';
    source.hosts = [host('rg-web', 'vm-a'), host('rg-web', 'vm-b')];
    await store.loadHosts(SUB);
    const written = { ...host('rg-web', 'vm-a', system('p-1')), etag: '"2"' };
    const created = host('rg-web', 'vm-new', system('p-2'));
    store.applyHost(written); // a write's answer
    store.addHost(created); // created here; Graph does not have it yet
    now += 30_000;
    store.reloadSubscription(SUB);
    const reloaded = await store.hosts(SUB);
    assert.deepEqual(names(reloaded), ['vm-a', 'vm-b', 'vm-new'], 'the created host stays listed');
    assert.deepEqual(store.host(written.id), written, "the write's answer, not Graph's older row");

    now += 60_000;
    store.reloadSubscription(SUB);
    assert.deepEqual(names(await store.hosts(SUB)), ['vm-a', 'vm-b'], 'past the allowance, the rows are the truth');
    assert.equal(store.host(written.id)!.identity.type, 'None');
  });

  it('an ARM listing replaces the state at once', async () => {
    const { source, store } = setUp([host('rg-web', 'vm-a')]);
    await store.loadHosts(SUB);
    store.applyHost({ ...host('rg-web', 'vm-a', system('p-1')), etag: '"2"' });
    store.reloadSubscription(SUB);
    await store.hosts(SUB);
    assert.equal(store.host(vmId('rg-web', 'vm-a'))!.identity.type, 'None', 'ARM answers as of now');
    assert.equal(source.listingFrom, 'arm');
  });
});
