// Our commands on the Azure view's VM nodes (Azure Resources) find the VM from the node's resource id, whatever shape
// the other extension gives its item; anything that is not a VM's id leaves the command to its usual VM pick.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { vmRefFromAzureViewItem } from '../../src/ui/azureViewItem';

const vmId = '/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/vm-web-01';
const expected = { kind: 'virtualMachine', subscriptionId: 'c0ffee00-0000-4000-8000-000000000001', resourceGroup: 'rg-web', name: 'vm-web-01', id: vmId };

describe('the VM of an Azure-view item', () => {
  it('from the v2 API item\'s resource', () => {
    assert.deepEqual(vmRefFromAzureViewItem({ id: 'tree-node-id', resource: { id: vmId, name: 'vm-web-01' } }), expected);
  });

  it('from the item\'s own id, or the VM model it carries', () => {
    assert.deepEqual(vmRefFromAzureViewItem({ id: vmId, contextValue: 'linuxVirtualMachine' }), expected);
    assert.deepEqual(vmRefFromAzureViewItem({ virtualMachine: { id: vmId } }), expected);
  });

  it('from a wrapped branch item', () => {
    assert.deepEqual(vmRefFromAzureViewItem({ branchItem: { id: vmId } }), expected);
  });

  it('whatever the id\'s casing', () => {
    const upper = vmId.replace('Microsoft.Compute/virtualMachines', 'MICROSOFT.COMPUTE/VIRTUALMACHINES');
    assert.equal(vmRefFromAzureViewItem({ id: upper })?.name, 'vm-web-01');
  });

  it('nothing for other resources, our own nodes, or no item', () => {
    const storage = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st1';
    assert.equal(vmRefFromAzureViewItem({ id: storage, resource: { id: storage } }), undefined);
    assert.equal(vmRefFromAzureViewItem({ id: `${vmId}/extensions/x` }), undefined, 'a VM\'s child resource is not the VM');
    assert.equal(vmRefFromAzureViewItem({ kind: 'vm', vm: { id: vmId } }), undefined, 'our tree nodes are resolved before this');
    assert.equal(vmRefFromAzureViewItem(undefined), undefined);
    assert.equal(vmRefFromAzureViewItem(vmId), undefined, 'a bare string is no tree item');
  });
});
