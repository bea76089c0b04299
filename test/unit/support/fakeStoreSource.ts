// Azure as the resource store sees it, for unit tests of the store and of what builds on it.
import type { EntraGroup, IdentityHost, IdentityHostRef, OperationOptions, Subscription, VmIdentity } from '../../../src/identity/model';
import type { StoreSource } from '../../../src/store/resourceStore';

export const SUB = 'c0ffee00-0000-4000-8000-000000000001';
export const vmId = (rg: string, name: string) => `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.Compute/virtualMachines/${name}`;
export const system = (principalId: string): VmIdentity => ({ type: 'SystemAssigned', principalId, tenantId: 't', userAssignedIdentities: {} });
export const none: VmIdentity = { type: 'None', userAssignedIdentities: {} };

export function host(rg: string, name: string, identity: VmIdentity = none): IdentityHost {
  return { kind: 'virtualMachine', subscriptionId: SUB, resourceGroup: rg, name, id: vmId(rg, name), location: 'eastus', identity };
}

export const groupA: EntraGroup = { id: 'aaaaaaaa-0000-0000-0000-000000000001', displayName: 'sg-a' };
export const groupB: EntraGroup = { id: 'bbbbbbbb-0000-0000-0000-000000000002', displayName: 'sg-b' };

/** Azure as the store sees it: hosts per subscription and groups per principal, with every call recorded. */
export class FakeSource implements StoreSource {
  hosts: IdentityHost[] = [];
  groups = new Map<string, EntraGroup[]>();
  failLists = 0;
  failReads = false;
  readonly calls: string[] = [];
  readonly membershipOptions: OperationOptions[] = [];
  /** When set, listGroupMemberships waits for it (to change things while a load is under way). */
  membershipGate: Promise<void> | undefined;

  async listSubscriptions(): Promise<Subscription[]> {
    this.calls.push('listSubscriptions');
    return [{ subscriptionId: SUB, displayName: 'Contoso', tenantId: 't' }];
  }

  async listHosts(subscriptionId: string): Promise<IdentityHost[]> {
    this.calls.push(`listHosts ${subscriptionId}`);
    if (this.failLists > 0) {
      this.failLists--;
      throw new Error('listing failed');
    }
    return this.hosts.filter((h) => h.subscriptionId === subscriptionId);
  }

  async getHost(ref: IdentityHostRef): Promise<IdentityHost> {
    this.calls.push(`getHost ${ref.name}`);
    const found = this.hosts.find((h) => h.id.toLowerCase() === ref.id.toLowerCase());
    if (!found || this.failReads) {
      throw new Error('not found');
    }
    return found;
  }

  async listGroupMemberships(h: IdentityHost, options: OperationOptions): Promise<EntraGroup[]> {
    this.calls.push(`listGroupMemberships ${h.name}`);
    this.membershipOptions.push(options);
    await this.membershipGate;
    return this.groups.get(h.identity.principalId ?? '') ?? [];
  }
}

