// The one way a command writes to Azure (identity changes, group changes, Create Identity, Create VM): a cancellable
// progress notification naming the resource and the operation, "Updating..." on the host's tree item, the store
// updated from Azure's answer (or the resource read again after a failure, since a cancelled or failed write may have
// half-happened), a log line, and the result notification with its follow-up actions.
import * as vscode from 'vscode';
import { isIdentityError } from '../identity/errors';
import type { IdentityHost, IdentityHostRef, OperationOptions } from '../identity/model';
import type { IdentityOperations } from '../identity/operations';
import type { ResourceStore } from '../store/resourceStore';
import type { IdentityJsonProvider } from './identityJsonProvider';
import { principalItems } from './quickPickItems';

const t = vscode.l10n.t;
/** "Updating..." only for writes that take a moment: a quick one would just flicker, and VS Code batches tree
 *  refreshes (200 ms), so the item could still say "Updating..." after the result notification. */
const UPDATING_DELAY_MS = 250;

/** What a write needs from the extension. */
export interface WriteServices {
  operations: IdentityOperations;
  store: ResourceStore;
  identityJson: IdentityJsonProvider;
  log: { info(message: string): void };
}

/** What is written: an existing host, a host being created, or a resource the store does not hold. */
export type WriteTarget =
  | { kind: 'host'; host: IdentityHostRef }
  | { kind: 'newHost'; subscriptionId: string; name: string }
  | { kind: 'newResource'; name: string };

/** A button on the result notification. */
export interface FollowUp {
  title: string;
  run(): Promise<void>;
}

/** What a finished write tells: the notification's text and buttons (none: only the log), and what it wrote. */
export interface WriteOutcome {
  message: string;
  resourceId: string;
  /** Undefined: no notification, because the command goes on (Create new identity inside Assign). */
  followUps: FollowUp[] | undefined;
}

export interface WriteRequest<T> {
  /** The progress notification's title, naming the resource and the operation ("Enabling ... of 'vm-1'..."). */
  title: string;
  target: WriteTarget;
  /** Logged with the title when the write starts (never a secret). */
  details?: string;
  /** The write, through the operations module. */
  run(options: OperationOptions): Promise<T>;
  /** Puts Azure's answer into the store, and says what to tell the person. */
  applied(result: T): WriteOutcome;
  /** After a failure, once the resource was read again: forget what the write may have changed. */
  failed?(error: unknown): void;
}

/** Runs a write the one way every write runs; resolves with the write's result, or rejects with its error. */
export async function runWrite<T>(services: WriteServices, request: WriteRequest<T>): Promise<T> {
  const { target, title } = request;
  const subject = target.kind === 'host' ? target.host.name : target.name;
  const host = target.kind === 'host' ? target.host : undefined;
  let markedUpdating = false;
  const markUpdating = setTimeout(() => {
    if (host) {
      markedUpdating = true;
      services.store.setUpdating(host, title);
    }
  }, UPDATING_DELAY_MS);
  services.log.info(`${title} (${request.details ?? host?.id ?? subject})`);
  let result: T;
  try {
    result = await runCancellable(services, title, subject, request.run);
  } catch (error) {
    await readAgainAfterFailure(services, target, error);
    request.failed?.(error);
    throw error;
  } finally {
    clearTimeout(markUpdating);
    if (host && markedUpdating) {
      services.store.setUpdating(host, undefined);
    }
  }
  const outcome = request.applied(result);
  services.log.info(`${outcome.message} (${outcome.resourceId})`);
  if (outcome.followUps) {
    void notify(outcome.message, outcome.followUps);
  }
  return result;
}

/** The write may have half-happened (cancelled, or the long-running operation failed): show what Azure has now. */
async function readAgainAfterFailure(services: WriteServices, target: WriteTarget, error: unknown): Promise<void> {
  const cancelled = isIdentityError(error) && error.kind === 'cancelled';
  switch (target.kind) {
    case 'host':
      await services.store.rereadHost(target.host);
      if (cancelled) {
        void vscode.window.showInformationMessage(
          t("Stopped waiting for '{0}'. Azure may still finish the change; the tree shows the VM as it is now.", target.host.name),
        );
      }
      return;
    case 'newHost':
      if (cancelled) {
        // The PUT may have been sent: Azure goes on creating the VM whether or not anyone waits.
        services.store.reloadSubscription(target.subscriptionId);
        void vscode.window.showInformationMessage(
          t("Stopped waiting for '{0}'. Azure may still finish creating it; the tree shows what Azure has now.", target.name),
        );
      }
      return;
    case 'newResource':
      if (cancelled) {
        void vscode.window.showInformationMessage(t("Stopped waiting for '{0}'. Azure may still finish creating it.", target.name));
      }
      return;
  }
}

/**
 * Runs `work` under a cancellable progress notification titled `title`: cancelling aborts the AbortSignal passed to
 * the operations module, and each progress message shows in the notification and in the log as "`subject`: message".
 */
function runCancellable<T>(services: WriteServices, title: string, subject: string, work: (options: OperationOptions) => Promise<T>): Promise<T> {
  return Promise.resolve(
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      const controller = new AbortController();
      const cancellation = token.onCancellationRequested(() => controller.abort());
      try {
        return await work({
          signal: controller.signal,
          onProgress: (message) => {
            progress.report({ message });
            services.log.info(`${subject}: ${message}`);
          },
        });
      } finally {
        cancellation.dispose();
      }
    }),
  );
}

/** The result notification; not awaited, so the command finishes while the notification stays. */
async function notify(message: string, followUps: FollowUp[]): Promise<void> {
  const choice = await vscode.window.showInformationMessage(message, ...followUps.map((followUp) => followUp.title));
  await followUps.find((followUp) => followUp.title === choice)?.run();
}

/** After a write to a host: "Show Identity JSON", and "Copy Principal ID" when it has a principal. */
export function hostFollowUps(services: WriteServices, host: IdentityHost): FollowUp[] {
  const followUps: FollowUp[] = [{ title: t('Show Identity JSON'), run: () => services.identityJson.show(host) }];
  const principals = principalItems(host, t);
  if (principals.length > 0) {
    followUps.push({
      title: t('Copy Principal ID'),
      run: async () => {
        const pick = principals.length === 1
          ? principals[0]
          : await vscode.window.showQuickPick(principals, { placeHolder: t('Select the identity whose principal ID to copy') });
        if (pick) {
          await copyToClipboard(t('principal ID'), pick.data);
        }
      },
    });
  }
  return followUps;
}

/** Copies a value and says so, naming it: "Copied principal ID 1234... to the clipboard." */
export async function copyToClipboard(what: string, value: string): Promise<void> {
  await vscode.env.clipboard.writeText(value);
  void vscode.window.showInformationMessage(t('Copied {0} {1} to the clipboard.', what, value));
}
