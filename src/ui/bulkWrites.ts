// One change on many hosts (issue 10). Each host's write is runWrite with that host's own read, ETag and write (store
// update, "Updating...", re-read after a failure, log line), run quietly: one progress notification with counts
// ("7 of 20 done, 1 failed") stands for all of them, and one summary replaces the per-host notifications. The pure
// runner (src/identity/bulk.ts) bounds the concurrency, honours Retry-After and stops starting writes on Cancel.
import * as vscode from 'vscode';
import { bulkProgressText, bulkSummaryHeadline, bulkSummaryLines, failedItems, mergeRetry, runBulk, DEFAULT_BULK_CONCURRENCY, type BulkSummary, type BulkWorkResult } from '../identity/bulk';
import { isIdentityError } from '../identity/identityError';
import type { EntraGroup, IdentityChange, IdentityHost } from '../identity/model';
import { sameResourceId } from '../identity/resourceIds';
import { hostRef } from '../store/resourceStore';
import type { ScriptOperation } from '../identity/scripts/equivalentScript';
import { describeError } from './describeError';
import { showScript } from './scriptActions';
import { bulkGroupScript, bulkIdentityChangeScript, scriptOfMany } from './writeScripts';
import type { HostWriteServices } from './hostWrites';
import { runWrite, type WriteRequest, type WriteServices } from './writePipeline';

const t = vscode.l10n.t;

/** A host's write in a bulk change: what runWrite runs, reporting changed or unchanged. */
type BulkRequest<R extends BulkWorkResult> = (host: IdentityHost) => WriteRequest<R>;

/** The setting azureVmIdentities.bulkConcurrency (at least 1). */
export function bulkConcurrency(): number {
  const value = vscode.workspace.getConfiguration('azureVmIdentities').get<number>('bulkConcurrency', DEFAULT_BULK_CONCURRENCY);
  return Number.isFinite(value) && value >= 1 ? Math.floor(value) : DEFAULT_BULK_CONCURRENCY;
}

/** Every per-host write runs through the pipeline without a notification of its own; the bulk progress counts them,
 *  and Cancel (of the bulk) stops new starts but never aborts a running write. */
function quietServices(services: HostWriteServices): WriteServices {
  const running = new AbortController().signal;
  return {
    store: services.store,
    log: services.log,
    writeUi: { t, withProgress: (_title, work) => work(() => {}, running), notify: async () => undefined },
  };
}

/** Runs the requests on every host with counts, then shows the summary with Retry Failed (re-runs only those). */
export async function runBulkWrites<R extends BulkWorkResult>(
  services: HostWriteServices & { log: { info(message: string): void; show?(): void } },
  hosts: IdentityHost[],
  title: string,
  request: BulkRequest<R>,
  /** A host's write as a script: the summary offers "Show Script" for the hosts that changed. */
  scriptOf?: (host: IdentityHost) => ScriptOperation | undefined,
): Promise<BulkSummary<IdentityHost, R>> {
  const quiet = quietServices(services);
  const run = (items: IdentityHost[]) =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      return runBulk(items, (host) => runWrite(quiet, request(host)), {
        concurrency: bulkConcurrency(),
        signal: controller.signal,
        describeError,
        onProgress: (counts) => progress.report({ message: bulkProgressText(counts, t) }),
      });
    });
  services.log.info(`${title} (${hosts.map((host) => host.id).join(', ')})`);
  let summary = await run(hosts);
  for (;;) {
    const lines = bulkSummaryLines(summary, services.store.hostLabel, t);
    const headline = bulkSummaryHeadline(summary, t);
    services.log.info(`${title}: ${headline}\n  ${lines.join('\n  ')}`);
    const retry = t('Retry Failed');
    const details = t('Show Details');
    const showScriptTitle = t('Show Script');
    // What the extension did: the writes of the hosts that changed, not of those that failed or needed nothing.
    const script = scriptOf && scriptOfMany(summary.results.filter((result) => result.outcome === 'changed').map((result) => scriptOf(result.item)));
    const buttons = [details, ...(summary.counts.failed > 0 ? [retry] : []), ...(script ? [showScriptTitle] : [])];
    const show = summary.counts.failed > 0 ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    const choice = await show(t('{0} Done: {1} {2}', title, headline, shortList(lines)), ...buttons);
    if (choice === details) {
      services.log.show?.();
      return summary;
    }
    if (choice === showScriptTitle && script) {
      await showScript(script);
      return summary;
    }
    if (choice !== retry) {
      return summary;
    }
    summary = mergeRetry(summary, await run(failedItems(summary)));
  }
}

/** The first lines of the summary (failures first), so the notification itself names what failed and why. */
function shortList(lines: string[]): string {
  const shown = lines.slice(0, 5);
  return shown.join('; ') + (lines.length > shown.length ? t('; and {0} more (Show Details)', lines.length - shown.length) : '');
}

/** The same identity change on every host, each through changeIdentity (its own read, ETag and write). */
export function runBulkIdentityChange(
  services: HostWriteServices & { log: { info(message: string): void; show?(): void } },
  hosts: IdentityHost[],
  title: string,
  changeFor: (host: IdentityHost) => IdentityChange | undefined,
) {
  return runBulkWrites(services, hosts, title, (host) => ({
    title,
    target: { kind: 'host', host: hostRef(host) },
    run: async (options) => {
      const change = changeFor(host);
      if (!change) {
        // Nothing of the chosen is on this host (bulk remove): no request.
        return { status: 'unchanged' as const };
      }
      const result = await services.operations.changeIdentity(services.store.host(host) ?? hostRef(host), change, options);
      services.store.applyHost(result.host);
      return { status: result.status };
    },
    applied: () => ({ message: t('{0}: done', services.store.hostLabel(host)), resourceId: host.id, followUps: undefined }),
  }), (host) => bulkIdentityChangeScript([host], changeFor));
}

/** Adds (or removes) the system-assigned identity of every host to (from) one group; already so is "unchanged". */
export function runBulkGroupChange(
  services: HostWriteServices & { log: { info(message: string): void; show?(): void } },
  hosts: IdentityHost[],
  title: string,
  group: EntraGroup,
  verb: 'add' | 'remove',
) {
  return runBulkWrites(services, hosts, title, (host) => ({
    title,
    target: { kind: 'host', host: hostRef(host) },
    run: async (options) => {
      try {
        if (verb === 'add') {
          await services.operations.addToGroup(host, group.id, { ...options, groupName: group.displayName });
        } else {
          await services.operations.removeFromGroup(host, group.id, { ...options, groupName: group.displayName });
        }
        return { status: 'changed' as const };
      } catch (error) {
        // Already as asked (another window got there first): nothing to change, and the store follows below.
        if (isIdentityError(error) && error.kind === (verb === 'add' ? 'alreadyMember' : 'notMember')) {
          return { status: 'unchanged' as const };
        }
        throw error;
      }
    },
    applied: () => {
      services.store.updateMemberships(host, (groups) =>
        verb === 'add' ? [...groups.filter((known) => !sameResourceId(known.id, group.id)), group] : groups.filter((known) => !sameResourceId(known.id, group.id)),
      );
      return { message: t('{0}: done', services.store.hostLabel(host)), resourceId: host.id, followUps: undefined };
    },
    failed: () => services.store.updateMemberships(host),
  }), (host) => bulkGroupScript([host], group, verb));
}
