// The Azure Resources extension's "Azure" view hands its own tree item to the commands of our "Managed Identities"
// submenu on its VM nodes. Only the VM's resource id is read from it, so nothing of that extension is imported or
// required: without it, the submenu never shows and nothing here runs.
import { parseVirtualMachineId } from '../identity/resourceIds';
import type { VmRef } from '../identity/model';

/** Where Azure extensions' items carry the resource id: the resource (v2 API), the item itself, or a wrapped item. */
function candidateIds(item: Record<string, unknown>): unknown[] {
  const nested = (key: string): unknown => {
    const value = item[key];
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>).id : undefined;
  };
  return [nested('resource'), nested('virtualMachine'), item.id, nested('branchItem'), item.resourceId];
}

/**
 * The VM an Azure-view item stands for, from its resource id; undefined for anything else (our own tree nodes,
 * a palette run, another resource type).
 */
export function vmRefFromAzureViewItem(item: unknown): VmRef | undefined {
  if (typeof item !== 'object' || item === null) {
    return undefined;
  }
  for (const id of candidateIds(item as Record<string, unknown>)) {
    const parts = typeof id === 'string' ? parseVirtualMachineId(id) : undefined;
    if (parts) {
      return { kind: 'virtualMachine', subscriptionId: parts.subscriptionId, resourceGroup: parts.resourceGroup, name: parts.name, id: id as string };
    }
  }
  return undefined;
}
