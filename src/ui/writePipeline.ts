// The one way a command writes to Azure (identity changes, group changes, Create Identity, Create VM): a cancellable
// progress notification naming the resource and the operation, "Updating..." on the host's tree item, the store
// updated from Azure's answer (or the resource read again after a failure, since a cancelled or failed write may have
// half-happened), a log line, and the result notification with its follow-up actions.
// No `vscode` import: the notifications come through WriteUi (src/ui/vscodeWriteUi.ts), so test/unit runs the pipeline.
import { isIdentityError } from '../identity/identityError';
import type { Localize } from '../identity/localize';
import type { IdentityHostRef, OperationOptions } from '../identity/model';
import type { ResourceStore } from '../store/resourceStore';

/** "Updating..." only for writes that take a moment: a quick one would just flicker, and VS Code batches tree
 *  refreshes (200 ms), so the item could still say "Updating..." after the result notification. */
const UPDATING_DELAY_MS = 250;

/** How a write talks to a person: VS Code's notifications in the extension, a recorder in tests. */
export interface WriteUi {
  t: Localize;
  /** Runs `work` under a cancellable progress notification; cancelling aborts the signal. */
  withProgress<T>(title: string, work: (report: (message: string) => void, signal: AbortSignal) => Promise<T>): Promise<T>;
  /** An information notification; resolves with the button pressed, if any. */
  notify(message: string, buttons: string[]): Promise<string | undefined>;
}

/** What a write needs from the extension. */
export interface WriteServices {
  store: ResourceStore;
  writeUi: WriteUi;
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
    result = await services.writeUi.withProgress(title, (report, signal) =>
      request.run({
        signal,
        onProgress: (message) => {
          report(message);
          services.log.info(`${subject}: ${message}`);
        },
      }),
    );
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
    void notify(services.writeUi, outcome.message, outcome.followUps);
  }
  return result;
}

/** The write may have half-happened (cancelled, or the long-running operation failed): show what Azure has now. */
async function readAgainAfterFailure(services: WriteServices, target: WriteTarget, error: unknown): Promise<void> {
  const cancelled = isIdentityError(error) && error.kind === 'cancelled';
  const { t } = services.writeUi;
  const tell = (message: string) => void services.writeUi.notify(message, []);
  switch (target.kind) {
    case 'host':
      await services.store.rereadHost(target.host);
      if (cancelled) {
        tell(t("Stopped waiting for '{0}'. Azure may still finish the change; the tree shows the VM as it is now.", target.host.name));
      }
      return;
    case 'newHost':
      if (cancelled) {
        // The PUT may have been sent: Azure goes on creating the VM whether or not anyone waits.
        services.store.reloadSubscription(target.subscriptionId);
        tell(t("Stopped waiting for '{0}'. Azure may still finish creating it; the tree shows what Azure has now.", target.name));
      }
      return;
    case 'newResource':
      if (cancelled) {
        tell(t("Stopped waiting for '{0}'. Azure may still finish creating it.", target.name));
      }
      return;
  }
}

/** The result notification; not awaited, so the command finishes while the notification stays. */
async function notify(writeUi: WriteUi, message: string, followUps: FollowUp[]): Promise<void> {
  const choice = await writeUi.notify(message, followUps.map((followUp) => followUp.title));
  await followUps.find((followUp) => followUp.title === choice)?.run();
}
