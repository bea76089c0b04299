// The writes to an identity host that commands start, each through runWrite: an identity change, and adding the
// system-assigned identity to a Microsoft Entra group or removing it from one.
import * as vscode from 'vscode';
import { isIdentityError } from '../identity/identityError';
import type { EntraGroup, IdentityChange, IdentityHost, IdentityHostRef } from '../identity/model';
import type { IdentityChangeResult, IdentityOperations } from '../identity/operations';
import { sameResourceId } from '../identity/resourceIds';
import { hostRef } from '../store/resourceStore';
import { grantAccessFollowUps, hostFollowUps } from './followUps';
import { groupScript, identityChangeScript } from './writeScripts';
import type { IdentityJsonProvider } from './identityJsonProvider';
import { runWrite, type WriteServices } from './writePipeline';

const t = vscode.l10n.t;

/** What writes to a host need besides the pipeline: the operations module, and the JSON tabs for their follow-up. */
export interface HostWriteServices extends WriteServices {
  operations: IdentityOperations;
  identityJson: IdentityJsonProvider;
  /** Grant Access for a host, offered after a write that gave it an identity (set when the commands register). */
  grantAccess?: (host: IdentityHost) => Promise<void>;
}

/**
 * An identity change, reported in the operations module's words ("Assigned 'id-a' to 'vm-1'.", "... is already
 * enabled."); the store takes the host as Azure returned it.
 */
export function runIdentityWrite(services: HostWriteServices, host: IdentityHostRef, title: string, change: IdentityChange): Promise<IdentityChangeResult> {
  return runWrite(services, {
    title,
    target: { kind: 'host', host: hostRef(host) },
    // The store's copy with its ETag spares the read before the PATCH (If-Match refuses it when stale).
    run: (options) => services.operations.changeIdentity(services.store.host(host) ?? hostRef(host), change, options),
    script: () => identityChangeScript(host, change),
    applied: (result) => {
      services.store.applyHost(result.host);
      // A new identity needs access to something: Grant Access comes first after Enable and Assign.
      const gaveIdentity = result.status === 'changed' && (change.kind === 'enableSystemAssigned' || change.kind === 'assignUserAssigned');
      const followUps = [...(gaveIdentity ? grantAccessFollowUps(services, result.host) : []), ...hostFollowUps(services, result.host)];
      return { message: result.message, resourceId: result.host.id, followUps };
    },
  });
}

/** Adds the host's system-assigned identity to a group; "already a member" is an answer, not an error. */
export async function runAddToGroup(services: HostWriteServices, host: IdentityHost, group: EntraGroup): Promise<void> {
  await runWrite(services, {
    title: t("Adding the identity of '{0}' to '{1}'...", services.store.hostLabel(host), group.displayName),
    target: { kind: 'host', host: hostRef(host) },
    run: async (options) => {
      try {
        await services.operations.addToGroup(host, group.id, { ...options, groupName: group.displayName });
        return { alreadyMember: undefined };
      } catch (error) {
        if (isIdentityError(error) && error.kind === 'alreadyMember') {
          return { alreadyMember: error.message };
        }
        throw error;
      }
    },
    script: ({ alreadyMember }) => (alreadyMember ? undefined : groupScript('addToGroup', host, group)),
    applied: ({ alreadyMember }) => {
      services.store.updateMemberships(host, (groups) => (groups.some((known) => sameResourceId(known.id, group.id)) ? groups : [...groups, group]));
      return alreadyMember
        ? { message: alreadyMember, resourceId: host.id, followUps: [] }
        : {
            message: t("Added the system-assigned identity of '{0}' to the group '{1}'.", services.store.hostLabel(host), group.displayName),
            resourceId: host.id,
            followUps: hostFollowUps(services, host),
          };
    },
    failed: () => services.store.updateMemberships(host), // unknown outcome: read them again when shown
  });
}

/** Removes the host's system-assigned identity from a group; "not a member" (removed meanwhile) is an answer too. */
export async function runRemoveFromGroup(services: HostWriteServices, host: IdentityHost, group: EntraGroup): Promise<void> {
  await runWrite(services, {
    title: t("Removing the identity of '{0}' from '{1}'...", services.store.hostLabel(host), group.displayName),
    target: { kind: 'host', host: hostRef(host) },
    run: async (options) => {
      try {
        await services.operations.removeFromGroup(host, group.id, { ...options, groupName: group.displayName });
        return { notMember: undefined };
      } catch (error) {
        if (isIdentityError(error) && error.kind === 'notMember') {
          return { notMember: error.message };
        }
        throw error;
      }
    },
    script: ({ notMember }) => (notMember ? undefined : groupScript('removeFromGroup', host, group)),
    applied: ({ notMember }) => {
      services.store.updateMemberships(host, (groups) => groups.filter((known) => !sameResourceId(known.id, group.id)));
      return notMember
        ? { message: notMember, resourceId: host.id, followUps: [] }
        : {
            message: t("Removed the system-assigned identity of '{0}' from the group '{1}'.", services.store.hostLabel(host), group.displayName),
            resourceId: host.id,
            followUps: hostFollowUps(services, host),
          };
    },
    failed: () => services.store.updateMemberships(host), // unknown outcome: read them again when shown
  });
}
