// What Grant Access, Revoke Access, Delete User-Assigned Identity and the "Azure role assignments" items show.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RoleAssignmentEntry } from '../../src/identity/accessOperations';
import type { VirtualMachine } from '../../src/identity/model';
import { BUILT_IN_ROLE_IDS, type RoleChoice, type RoleDefinition } from '../../src/identity/roles';
import {
  accessPrincipals,
  consumersText,
  deleteIdentityConfirmation,
  otherConsumersText,
  grantPrincipalItems,
  roleAssignmentText,
  roleEntries,
} from '../../src/ui/accessItems';
import { isSeparator, type PickItem } from '../../src/ui/quickPickItems';
import { ResourceStore } from '../../src/store/resourceStore';
import { FakeSource, host, SUB as STORE_SUB } from './support/fakeStoreSource';
import { format as t } from './support/format';

const SUB = 'c0ffee00-0000-4000-8000-000000000001';
const RG = `/subscriptions/${SUB}/resourceGroups/rg-web`;
const STORAGE = `${RG}/providers/Microsoft.Storage/storageAccounts/stcontosoweb01`;
const uai = (name: string) => `${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
const names = { subscriptionName: (id: string) => (id === SUB ? 'Contoso Production' : undefined) };

const byName = (host: { name: string }): string => host.name;

function vm(identity: Partial<VirtualMachine['identity']>): VirtualMachine {
  return {
    kind: 'virtualMachine',
    id: `${RG}/providers/Microsoft.Compute/virtualMachines/vm-web-04`,
    name: 'vm-web-04',
    subscriptionId: SUB,
    resourceGroup: 'rg-web',
    location: 'eastus',
    identity: { type: 'None', userAssignedIdentities: {}, ...identity },
  };
}

function role(guid: string, roleName: string, type: RoleDefinition['type'] = 'BuiltInRole'): RoleDefinition {
  return { id: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${guid}`, name: guid, roleName, description: `${roleName} does things`, type, assignableScopes: ['/'], permissions: [] };
}

describe('the identities Grant Access offers', () => {
  it('the system-assigned identity first, then user-assigned ones by name; one without a principal is left out', () => {
    const host = vm({
      type: 'SystemAssigned, UserAssigned',
      principalId: 'sys-principal',
      userAssignedIdentities: { [uai('id-storage')]: { principalId: 'p-storage' }, [uai('id-backend')]: { principalId: 'p-backend' }, [uai('id-new')]: {} },
    });
    const principals = accessPrincipals(host);
    assert.deepEqual(principals.map((p) => (p.kind === 'systemAssigned' ? `system ${p.principalId}` : `${p.identity.name} ${p.identity.principalId}`)), [
      'system sys-principal',
      'id-backend p-backend',
      'id-storage p-storage',
    ]);
    assert.deepEqual(grantPrincipalItems(principals, t).map((item) => item.label), ['System-assigned identity', 'id-backend', 'id-storage']);
  });

  it('a VM without identities has nothing to grant to', () => {
    assert.deepEqual(accessPrincipals(vm({})), []);
  });
});

describe('the roles Grant Access offers', () => {
  const choices: RoleChoice[] = [
    { role: role(BUILT_IN_ROLE_IDS.storageBlobDataReader, 'Storage Blob Data Reader'), recommended: true, held: 'here' },
    { role: role(BUILT_IN_ROLE_IDS.reader, 'Reader'), recommended: true, held: 'inherited', heldAt: `/subscriptions/${SUB}` },
    { role: role('6e1f3c2a-8b4d-4f5e-9a7c-0d2b4e6f8a10', 'Contoso Blob Operator', 'CustomRole'), recommended: false },
  ];

  it('most used first under their own heading, each with its description; held here is locked, held from above says where', () => {
    const entries = roleEntries(choices, names, t);
    assert.deepEqual(entries.map((e) => (isSeparator(e) ? `-- ${e.label}` : e.label)), [
      '-- Most used with managed identities',
      'Storage Blob Data Reader',
      'Reader',
      '-- All roles',
      'Contoso Blob Operator',
    ]);
    const items = entries.filter((e): e is PickItem<RoleDefinition> => !isSeparator(e));
    assert.deepEqual(items.map((e) => [e.description, e.locked]), [
      ['already held here', true],
      ["already held through subscription 'Contoso Production'", false],
      ['custom role', false],
    ]);
    assert.equal(items[0].detail, 'Storage Blob Data Reader does things');
  });
});

describe('an assignment in the tree', () => {
  const entry = (scope: string, inherited: boolean): RoleAssignmentEntry => ({
    assignment: { id: `${scope}/providers/Microsoft.Authorization/roleAssignments/x`, name: 'x', scope, roleDefinitionId: '', principalId: 'p', principalType: 'ServicePrincipal' },
    roleName: 'Storage Blob Data Reader',
    inherited,
  });

  it('the role, and the scope as a person reads it', () => {
    const text = roleAssignmentText(entry(STORAGE, false), names, t);
    assert.equal(text.label, 'Storage Blob Data Reader');
    assert.equal(text.description, "storage account 'stcontosoweb01' in resource group 'rg-web'");
    assert.match(text.tooltip, new RegExp(STORAGE));
  });

  it('an inherited one says so, and a subscription goes by its name', () => {
    assert.equal(roleAssignmentText(entry(`/subscriptions/${SUB}`, false), names, t).description, "subscription 'Contoso Production'");
    const inherited = roleAssignmentText(entry('/providers/Microsoft.Management/managementGroups/contoso', true), names, t);
    assert.equal(inherited.description, "management group 'contoso' (inherited)");
  });
});

describe('where an identity is used, and deleting it', () => {
  it('names the VMs, or says none', () => {
    assert.equal(consumersText([{ name: 'vm-web-03' }, { name: 'vm-data-01' }], t), "used by 'vm-web-03', 'vm-data-01'");
    assert.equal(consumersText([], t), 'not used by any virtual machine');
  });

  it("Remove's question says which other VMs keep using each identity", () => {
    const here = vm({});
    const other = { ...vm({}), id: here.id.replace('vm-web-04', 'vm-data-01'), name: 'vm-data-01' };
    assert.equal(
      otherConsumersText([{ name: 'id-backend', consumers: [here, other] }, { name: 'id-storage', consumers: [here] }, { name: 'id-x', consumers: undefined }], here.id, byName, t),
      "'id-backend' stays in use by 'vm-data-01'. 'id-storage' is used by no other virtual machine.",
    );
  });

  it("Delete's question lists the VMs that lose access and the assignments left orphaned", () => {
    const question = deleteIdentityConfirmation(
      'id-storage',
      {
        consumers: [vm({}), { ...vm({}), name: 'vm-web-03' }],
        assignments: [
          {
            assignment: { id: 'x', name: 'x', scope: STORAGE, roleDefinitionId: '', principalId: 'p', principalType: 'ServicePrincipal' },
            roleName: 'Storage Blob Data Contributor',
            inherited: false,
          },
        ],
      },
      names,
      byName,
      t,
    );
    assert.match(question, /^Delete the user-assigned identity 'id-storage'\?/);
    assert.match(question, /still use it and lose its access: 'vm-web-04', 'vm-web-03'\./);
    assert.match(question, /orphaned .*'Storage Blob Data Contributor' on storage account 'stcontosoweb01' in resource group 'rg-web'/);
    const unused = deleteIdentityConfirmation('id-x', { consumers: [], assignments: [] }, names, byName, t);
    assert.match(unused, /No virtual machine in the selected subscriptions uses it\./);
    assert.doesNotMatch(unused, /orphaned/);
  });
});

describe('questions that name VMs whose names collide name their resource groups (the store\'s hostLabel)', () => {
  it("Remove's and Delete's questions say 'vm-x (rg-a)' and 'vm-x (rg-b)'", async () => {
    const source = new FakeSource();
    const [a, b, here] = [host('rg-a', 'vm-x'), host('rg-b', 'vm-x'), host('rg-a', 'vm-y')];
    source.hosts = [a, b, here];
    const store = new ResourceStore(source);
    await store.loadHosts(STORE_SUB);
    assert.equal(otherConsumersText([{ name: 'id-backend', consumers: [here, a, b] }], here.id, store.hostLabel, t), "'id-backend' stays in use by 'vm-x (rg-a)', 'vm-x (rg-b)'.");
    const question = deleteIdentityConfirmation('id-backend', { consumers: [a, b, here], assignments: [] }, names, store.hostLabel, t);
    assert.match(question, /lose its access: 'vm-x \(rg-a\)', 'vm-x \(rg-b\)', 'vm-y'\./);
  });
});
