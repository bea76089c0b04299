// The path of a host's "Show Identity JSON" tab, without `vscode` (unit-tested): VS Code titles the tab with its last
// segment, so that segment is the host's label — its name, and its resource group where another host has the same
// name ("vm-x (rg-a).identity.json"). VM and scale-set names cannot contain parentheses, so the label parses back.
import type { IdentityHostRef } from '../identity/model';
import { hostId } from '../identity/resourceIds';

const SUFFIX = '.identity.json';
const SCALE_SET_SEGMENT = 'virtualMachineScaleSets';

/** `/<subscription>/<resource group>/[virtualMachineScaleSets/]<label>.identity.json`, each segment URI-encoded. */
export function identityJsonPath(host: IdentityHostRef, label: string): string {
  const kindSegment = host.kind === 'virtualMachineScaleSet' ? [SCALE_SET_SEGMENT] : [];
  return `/${[host.subscriptionId, host.resourceGroup, ...kindSegment, `${label}${SUFFIX}`].map(encodeURIComponent).join('/')}`;
}

export function hostRefFromIdentityJsonPath(path: string): IdentityHostRef | undefined {
  const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
  const scaleSet = segments.length === 4 && segments[2] === SCALE_SET_SEGMENT;
  const [subscriptionId, resourceGroup, file] = scaleSet ? [segments[0], segments[1], segments[3]] : segments;
  if (!subscriptionId || !resourceGroup || !file?.endsWith(SUFFIX) || (segments.length !== 3 && !scaleSet)) {
    return undefined;
  }
  const label = file.slice(0, -SUFFIX.length);
  const groupSuffix = ` (${resourceGroup})`;
  const name = label.toLowerCase().endsWith(groupSuffix.toLowerCase()) ? label.slice(0, -groupSuffix.length) : label;
  const kind = scaleSet ? 'virtualMachineScaleSet' : 'virtualMachine';
  return { kind, subscriptionId, resourceGroup, name, id: hostId(kind, subscriptionId, resourceGroup, name) };
}
