// Azure as the resource store sees it, for unit tests of the store and of what builds on it.
import type { EntraGroup, IdentityHost, IdentityHostRef, OperationOptions, Subscription, VmIdentity } from '../../../src/identity/model';
import type { AccessPrincipal, RoleAssignmentEntry } from '../../../src/identity/accessOperations';
import { principalIdOf } from '../../../src/identity/accessOperations';
import type { HostListing, ListingSource, StoreSource } from '../../../src/store/resourceStore';

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

  /** Which API the listings say they came from (Resource Graph's rows may be older than the store's). */
  listingFrom: ListingSource = 'arm';
  /** Answered by listsTogether. */
  together = false;

  async listHosts(subscriptionIds: string[], listed: (listing: HostListing) => void, _knownHosts?: (subscriptionId: string) => number | undefined): Promise<void> {
    this.calls.push(`listHosts ${subscriptionIds.join(',')}`);
    for (const subscriptionId of subscriptionIds) {
      if (this.failLists > 0) {
        this.failLists--;
        listed({ subscriptionId, result: { status: 'failed', error: new Error('listing failed') }, from: this.listingFrom });
        continue;
      }
      listed({ subscriptionId, result: { status: 'loaded', value: this.hosts.filter((h) => h.subscriptionId === subscriptionId) }, from: this.listingFrom });
    }
  }

  listsTogether(): boolean {
    return this.together;
  }

  async getHost(ref: IdentityHostRef): Promise<IdentityHost> {
    this.calls.push(`getHost ${ref.name}`);
    const found = this.hosts.find((h) => h.id.toLowerCase() === ref.id.toLowerCase());
    if (!found || this.failReads) {
      throw new Error('not found');
    }
    return found;
  }

  /** Role assignments per principal id; a principal missing here fails to load. */
  roleAssignments = new Map<string, RoleAssignmentEntry[]>();
  /** When set, listRoleAssignments waits for it. */
  roleAssignmentGate: Promise<void> | undefined;

  async listRoleAssignments(principal: AccessPrincipal): Promise<RoleAssignmentEntry[]> {
    const principalId = principalIdOf(principal);
    this.calls.push(`listRoleAssignments ${principalId}`);
    await this.roleAssignmentGate;
    const found = this.roleAssignments.get(principalId);
    if (!found) {
      throw new Error('listing role assignments failed');
    }
    return found;
  }

  async listIdentityConsumers(identityId: string): Promise<IdentityHost[]> {
    this.calls.push(`listIdentityConsumers ${identityId}`);
    return this.hosts.filter((h) => Object.keys(h.identity.userAssignedIdentities).some((id) => id.toLowerCase() === identityId.toLowerCase()));
  }

  async listGroupMemberships(h: IdentityHost, options: OperationOptions): Promise<EntraGroup[]> {
    this.calls.push(`listGroupMemberships ${h.name}`);
    this.membershipOptions.push(options);
    await this.membershipGate;
    return this.groups.get(h.identity.principalId ?? '') ?? [];
  }
}

