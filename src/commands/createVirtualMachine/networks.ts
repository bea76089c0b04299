// Which virtual networks a new VM may use: those in its region (Azure refuses a NIC on a subnet in another region).
import type { VirtualNetwork } from '../../identity/model';
import { sameIgnoringSpacesAndCase } from '../../identity/resourceIds';

export function networksIn(networks: readonly VirtualNetwork[], location: string): VirtualNetwork[] {
  return networks.filter((network) => sameIgnoringSpacesAndCase(network.location, location) && network.subnets.length > 0);
}
