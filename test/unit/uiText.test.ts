// What the tree and the notifications say: VM descriptions, identity summaries, confirmations and the Create wizard's
// inline validation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { locationProblem } from '../../src/commands/createUserAssignedIdentity/validation';
import {
  alreadyMemberMessage,
  disableSystemConfirmation,
  removeUserAssignedConfirmation,
} from '../../src/ui/messages';
import type { VirtualMachine, VirtualMachineScaleSet, VmIdentity } from '../../src/identity/model';
import { validateUserAssignedIdentityName } from '../../src/identity/nameRules';
import { applySubscriptionFilter } from '../../src/tree/subscriptionFilter';
import { hostKindDetails, identitySummary, systemIdentityDescription, userIdentitiesDescription, vmDescription, vmIcon } from '../../src/ui/hostDescriptions';
import { format } from './support/format';

const id = (name: string) => `/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
const none: VmIdentity = { type: 'None', userAssignedIdentities: {} };
const system: VmIdentity = { type: 'SystemAssigned', principalId: 'pid-1', tenantId: 't', userAssignedIdentities: {} };
const user2: VmIdentity = { type: 'UserAssigned', userAssignedIdentities: { [id('id-a')]: {}, [id('id-b')]: {} } };
const both2: VmIdentity = { ...user2, type: 'SystemAssigned, UserAssigned', principalId: 'pid-2', tenantId: 't' };

describe('tree descriptions', () => {
  it('summarizes the identity without expanding the VM', () => {
    assert.equal(identitySummary(none, format), 'no identity');
    assert.equal(identitySummary(system, format), 'system only');
    assert.equal(identitySummary(user2, format), '2 user-assigned');
    assert.equal(identitySummary(both2, format), 'system + 2 user');
  });

  it('describes a VM by resource group, location and identity; "Updating..." while a write runs', () => {
    const vm = { resourceGroup: 'rg-web', location: 'eastus', identity: both2 } as VirtualMachine;
    // The identity state first: a narrow side bar cuts the end of a description off.
    assert.equal(vmDescription(vm, false, format), 'system + 2 user · rg-web · eastus');
    assert.equal(vmDescription(vm, true, format), 'Updating... · rg-web · eastus');
  });

  it('says what kind of host: a scale set with its mode, a Flexible instance naming its set', () => {
    const scaleSet = { kind: 'virtualMachineScaleSet', resourceGroup: 'rg-web', location: 'eastus', identity: system, orchestrationMode: 'Uniform', capacity: 3 } as VirtualMachineScaleSet;
    assert.equal(vmDescription(scaleSet, false, format), 'system only · rg-web · eastus · Uniform scale set');
    assert.deepEqual(hostKindDetails(scaleSet, format), [
      'Virtual machine scale set (Uniform)',
      'Instances: 3',
      'Identity changes apply to every instance without an upgrade.',
    ]);
    const instance = {
      kind: 'virtualMachine',
      resourceGroup: 'rg-data',
      location: 'westeurope',
      identity: none,
      scaleSetId: '/subscriptions/s/resourceGroups/rg-data/providers/Microsoft.Compute/virtualMachineScaleSets/vmss-data-flex',
    } as VirtualMachine;
    assert.equal(vmDescription(instance, false, format), 'no identity · rg-data · westeurope · in vmss-data-flex');
    assert.deepEqual(hostKindDetails(instance, format), ['Instance of the scale set vmss-data-flex']);
    assert.equal(vmIcon(system, false, 'virtualMachineScaleSet').id, 'layers-active');
    assert.equal(vmIcon(none, false, 'virtualMachineScaleSet').id, 'layers');
  });

  it('gives each state its own icon, and a spinner while updating', () => {
    const icons = [none, system, user2, both2].map((identity) => JSON.stringify(vmIcon(identity, false)));
    assert.equal(new Set(icons).size, 4);
    assert.equal(vmIcon(system, true).id, 'loading~spin');
  });

  it('shows the system identity On with its principal, or Off; the user-assigned count', () => {
    assert.equal(systemIdentityDescription(system, format), 'On · pid-1');
    assert.equal(systemIdentityDescription(user2, format), 'Off');
    assert.equal(userIdentitiesDescription(user2, format), '2');
    assert.equal(userIdentitiesDescription(system, format), 'none');
  });
});

describe('confirmations', () => {
  it('disabling names what is lost', () => {
    const text = disableSystemConfirmation('vm-1', format);
    assert.match(text, /'vm-1'/);
    assert.match(text, /service principal/);
    assert.match(text, /role assignment/);
    assert.match(text, /group membership/);
  });

  it('removing names the identities and the VM', () => {
    assert.match(removeUserAssignedConfirmation(['id-a'], 'vm-1', false, format), /^Remove 'id-a' from 'vm-1'\?/);
    assert.match(removeUserAssignedConfirmation(['id-a', 'id-b'], 'vm-1', true, format), /^Remove all user-assigned identities \('id-a', 'id-b'\) from 'vm-1'\?/);
  });

  it('already a member says nothing changed', () => {
    assert.match(alreadyMemberMessage('vm-1', 'sg-x', format), /already a member of the group 'sg-x'\. Nothing changed\./);
  });
});

describe('Create wizard validation', () => {
  it('rejects bad names as they are typed (the domain rules), accepts good ones', () => {
    assert.match(validateUserAssignedIdentityName('ab') ?? '', /3 to 128/);
    assert.match(validateUserAssignedIdentityName('-abc') ?? '', /start with a letter or a digit/);
    assert.match(validateUserAssignedIdentityName('id new') ?? '', /space/);
    assert.equal(validateUserAssignedIdentityName('id-new_1'), undefined);
  });

  it('wants a region name', () => {
    assert.equal(locationProblem('eastus', format), undefined);
    assert.match(locationProblem('east us', format) ?? '', /region name/);
    assert.match(locationProblem('', format) ?? '', /region name/);
  });
});

describe('Select Subscriptions filter', () => {
  const subs = [
    { subscriptionId: 'AAA', displayName: 'A', tenantId: 't' },
    { subscriptionId: 'bbb', displayName: 'B', tenantId: 't' },
  ];
  it('shows all until the user chooses, then only the chosen (ids ignore case)', () => {
    assert.deepEqual(applySubscriptionFilter(subs, undefined), subs);
    assert.deepEqual(applySubscriptionFilter(subs, ['aaa']).map((s) => s.displayName), ['A']);
    assert.deepEqual(applySubscriptionFilter(subs, []), []);
  });
});
