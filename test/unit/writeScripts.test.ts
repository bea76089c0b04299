// "Copy as Script..." before a write and "Show Script" after it come from the same builders (src/ui/writeScripts.ts):
// what Assign's pick offers for the checked identities, what a change of a host and a group change give as scripts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EntraGroup, IdentityChange, IdentityHost, UserAssignedIdentity, VirtualMachine } from '../../src/identity/model';
import { scriptFor } from '../../src/identity/scripts/equivalentScript';
import { filterEntries, vmItems, type AssignPick, type PickItem } from '../../src/ui/quickPickItems';
import { assignScriptOf, bulkGroupScript, bulkIdentityChangeScript, groupScript, identityChangeScript, scriptOfMany } from '../../src/ui/writeScripts';
import { format } from './support/format';

const SUB = 'c0ffee00-0000-4000-8000-000000000001';
const uaiId = (name: string) => `/subscriptions/${SUB}/resourceGroups/rg-web/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
const identity = (name: string): UserAssignedIdentity => ({
  id: uaiId(name),
  name,
  resourceGroup: 'rg-web',
  subscriptionId: SUB,
  location: 'eastus',
  principalId: `principal-${name}`,
  clientId: `client-${name}`,
  tenantId: 'tenant',
});
const vm = (name: string, identityOf: Partial<VirtualMachine['identity']> = {}): VirtualMachine => ({
  kind: 'virtualMachine',
  subscriptionId: SUB,
  resourceGroup: 'rg-web',
  name,
  id: `/subscriptions/${SUB}/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/${name}`,
  location: 'eastus',
  identity: { type: 'None', userAssignedIdentities: {}, ...identityOf },
});
const picked = (name: string): AssignPick => ({ kind: 'identity', identity: identity(name) });

describe("Assign's Copy as Script...", () => {
  it('scripts the checked identities, in the order the write sends them, onto the host by its full id', () => {
    const host = vm('vm-web-04');
    const operation = assignScriptOf(host, [picked('id-storage'), undefined, picked('id-backend')], format);
    assert.deepEqual(operation, identityChangeScript(host, { kind: 'assignUserAssigned', ids: [uaiId('id-storage'), uaiId('id-backend')] }));
    assert.ok(typeof operation !== 'string');
    const cli = scriptFor(operation, 'azureCli');
    assert.match(cli, /^az vm identity assign \\$/m);
    assert.ok(cli.includes(`--ids '${host.id}'`), cli);
    assert.ok(cli.indexOf(uaiId('id-storage')) < cli.indexOf(uaiId('id-backend')), cli);
  });

  it('says why there is no script while nothing is checked, or while a new identity is checked', () => {
    const host = vm('vm-web-04');
    assert.equal(assignScriptOf(host, [], format), 'Check the identities to assign first.');
    assert.match(String(assignScriptOf(host, [picked('id-backend'), { kind: 'create' }], format)), /uncheck 'Create new user-assigned identity\.\.\.', or create it first/);
  });
});

describe('the scripts of writes to a host', () => {
  it('name the host by its reference only, whatever else the store holds of it', () => {
    const host = vm('vm-web-01', { type: 'SystemAssigned', principalId: 'p-1' });
    assert.deepEqual(identityChangeScript(host, { kind: 'enableSystemAssigned' }), {
      kind: 'changeIdentity',
      host: { kind: 'virtualMachine', subscriptionId: SUB, resourceGroup: 'rg-web', name: 'vm-web-01', id: host.id },
      change: { kind: 'enableSystemAssigned' },
    });
  });

  it('"remove all" names the identities the person reviewed', () => {
    const host = vm('vm-web-01');
    const operation = identityChangeScript(host, { kind: 'removeAllUserAssigned', expectedIds: [uaiId('id-backend')] });
    assert.deepEqual(operation.kind === 'changeIdentity' && operation.change, { kind: 'removeAllUserAssigned', expectedIds: [uaiId('id-backend')] });
  });

  it("a group change needs the identity's service principal: no script without one", () => {
    const group: EntraGroup = { id: '99999999-8888-4777-8666-555555555555', displayName: 'Readers' };
    assert.equal(groupScript('addToGroup', vm('vm-web-01'), group), undefined);
    const withPrincipal = vm('vm-web-01', { type: 'SystemAssigned', principalId: '11111111-2222-4333-8444-555555555555', tenantId: 'tenant-1' });
    assert.deepEqual(groupScript('addToGroup', withPrincipal, group), {
      kind: 'addToGroup',
      host: { kind: 'virtualMachine', subscriptionId: SUB, resourceGroup: 'rg-web', name: 'vm-web-01', id: withPrincipal.id },
      principalId: '11111111-2222-4333-8444-555555555555',
      group: { id: group.id, displayName: 'Readers' },
      tenantId: 'tenant-1',
    });
  });
});

describe('the VM pick that offers Copy as Script...', () => {
  it('filters the hosts by name or description as the person types', () => {
    const entries = vmItems([vm('vm-web-01'), vm('vm-data-01'), vm('vm-web-02')], format);
    const labels = (text: string) => (filterEntries(entries, text) as PickItem<VirtualMachine>[]).map((entry) => entry.label);
    assert.deepEqual(labels('DATA'), ['vm-data-01']);
    assert.deepEqual(labels('web-0'), ['vm-web-01', 'vm-web-02']);
    assert.deepEqual(labels('rg-web'), ['vm-data-01', 'vm-web-01', 'vm-web-02'], 'the description (resource group) counts too');
    assert.equal(filterEntries(entries, ' ').length, 3);
    assert.deepEqual(filterEntries(entries, 'nothing-like-it'), []);
  });
});

describe('the scripts of bulk changes', () => {
  const attached = (...names: string[]) => Object.fromEntries(names.map((name) => [uaiId(name), { principalId: `p-${name}`, clientId: `c-${name}` }]));
  const a = vm('vm-a', { type: 'UserAssigned', userAssignedIdentities: attached('id-backend', 'id-storage') });
  const b = vm('vm-b', { type: 'UserAssigned', userAssignedIdentities: attached('id-storage') });
  const c = vm('vm-c');

  it("a bulk remove scripts each host's own identities, in the hosts' order, and leaves out a host with none of them", () => {
    const chosen = [uaiId('id-backend'), uaiId('id-storage')];
    const removeOwn = (host: IdentityHost): IdentityChange | undefined => {
      const own = chosen.filter((id) => id in host.identity.userAssignedIdentities);
      return own.length > 0 ? { kind: 'removeUserAssigned', ids: own } : undefined;
    };
    assert.deepEqual(bulkIdentityChangeScript([a, b, c], removeOwn), {
      kind: 'many',
      operations: [identityChangeScript(a, { kind: 'removeUserAssigned', ids: chosen }), identityChangeScript(b, { kind: 'removeUserAssigned', ids: [uaiId('id-storage')] })],
    });
    assert.deepEqual(bulkIdentityChangeScript([b, c], removeOwn), identityChangeScript(b, { kind: 'removeUserAssigned', ids: [uaiId('id-storage')] }), 'one write: a plain script');
    assert.equal(bulkIdentityChangeScript([c], removeOwn), undefined, 'no write: no script');
  });

  it("a bulk group change leaves out a host whose identity has no service principal", () => {
    const group: EntraGroup = { id: 'g-1', displayName: 'Readers' };
    const withPrincipal = (host: VirtualMachine, principalId: string) => ({ ...host, identity: { ...host.identity, type: 'SystemAssigned' as const, principalId } });
    const script = bulkGroupScript([withPrincipal(a, 'p-a'), c, withPrincipal(b, 'p-b')], group, 'remove');
    assert.ok(script?.kind === 'many');
    assert.deepEqual(script.operations.map((step) => step.kind === 'removeFromGroup' && step.principalId), ['p-a', 'p-b']);
  });

  it('scriptOfMany: nothing, one, or many', () => {
    const one = identityChangeScript(a, { kind: 'enableSystemAssigned' });
    assert.equal(scriptOfMany([undefined]), undefined);
    assert.deepEqual(scriptOfMany([undefined, one]), one);
    assert.deepEqual(scriptOfMany([one, one]), { kind: 'many', operations: [one, one] });
  });
});
