// Which virtual networks a new VM may use: those in its region (Azure refuses a NIC on a subnet in another region).
import type { VirtualNetwork } from '../../identity/model';

export function networksIn(networks: readonly VirtualNetwork[], location: string): VirtualNetwork[] {
  const region = location.replace(/\s+/g, '').toLowerCase();
  return networks.filter((network) => network.location.replace(/\s+/g, '').toLowerCase() === region && network.subnets.length > 0);
}
