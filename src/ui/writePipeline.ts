// The one way a command writes to Azure (identity changes, group changes, Create Identity, Create VM): a cancellable
// progress notification naming the resource and the operation, "Updating..." on the host's tree item, the store
// updated from Azure's answer (or the resource read again after a failure, since a cancelled or failed write may have
// half-happened), a log line, and the result notification with its follow-up actions.
// No `vscode` import: the notifications come through WriteUi (src/ui/vscodeWriteUi.ts), so test/unit runs the pipeline.
import { AcceptedWriteError, IdentityError, isIdentityError } from '../identity/identityError';
import { resourceKey } from '../identity/resourceIds';
import type { Localize } from '../identity/localize';
import type { IdentityHostRef, OperationOptions } from '../identity/model';
import type { ScriptOperation } from '../identity/scripts/equivalentScript';
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
  /** "Show Script": the Azure PowerShell or Azure CLI of a write (src/ui/scriptActions.ts); absent in tests that
   *  do not look at it. */
  showScript?(operation: ScriptOperation): Promise<void>;
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
  | { kind: 'newResource'; name: string }
  /** An existing resource the store does not hold as a host (a user-assigned identity being deleted). */
  | { kind: 'resource'; name: string; id: string };

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
  /** The equivalent script of what was written: the result notification then offers "Show Script". */
  script?(result: T): ScriptOperation | undefined;
  /** After a failure, once the resource was read again: forget what the write may have changed. */
  failed?(error: unknown): void;
}

/** Runs a write the one way every write runs; resolves with the write's result, or rejects with its error. */
export async function runWrite<T>(services: WriteServices, request: WriteRequest<T>): Promise<T> {
  const { target, title } = request;
  const subject = target.kind === 'host' ? services.store.hostLabel(target.host) : target.name;
  const host = target.kind === 'host' ? target.host : undefined;
  // One write per resource per window: a second would race the first (409s, or a plan made before the first landed).
  const running = writesRunning(services.store);
  const hostKey = host ? resourceKey(host.id) : undefined;
  if (hostKey) {
    const busy = running.get(hostKey);
    if (busy) {
      throw new IdentityError(services.writeUi.t("'{0}' is already being changed in this window ({1}). Wait for that to finish, then try again.", subject, busy), {
        kind: 'conflict',
        code: 'WriteAlreadyRunning',
      });
    }
    running.set(hostKey, title);
  }
  try {
    return await runOneWrite(services, request, subject, host);
  } finally {
    if (hostKey) {
      running.delete(hostKey);
    }
  }
}

/** The writes running in each window (one store per window), by resource key, with their titles. */
const runningWrites = new WeakMap<ResourceStore, Map<string, string>>();
function writesRunning(store: ResourceStore): Map<string, string> {
  let running = runningWrites.get(store);
  if (!running) {
    running = new Map();
    runningWrites.set(store, running);
  }
  return running;
}

/** Whether a write started from this window is running on the host (picks mark it busy). */
export function isWriteRunning(store: ResourceStore, host: IdentityHostRef): boolean {
  return writesRunning(store).has(resourceKey(host.id));
}

async function runOneWrite<T>(services: WriteServices, request: WriteRequest<T>, subject: string, host: IdentityHostRef | undefined): Promise<T> {
  const { target, title } = request;
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
    void notify(services.writeUi, outcome.message, [...outcome.followUps, ...scriptFollowUps(services.writeUi, request.script?.(result))]);
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
      if (error instanceof AcceptedWriteError && error.host) {
        // The operations module read it again already; its message says what the VM has now.
        services.store.applyHost(error.host);
      } else {
        await services.store.rereadHost(target.host);
      }
      if (error instanceof AcceptedWriteError && error.settled) {
        // The user stopped waiting (or the time limit passed): Azure's operation goes on; show the VM once it ends.
        void error.settled.then((settled) => (settled ? services.store.applyHost(settled) : services.store.rereadHost(target.host)));
      }
      if (cancelled && error instanceof AcceptedWriteError) {
        tell(error.message);
      } else if (cancelled) {
        tell(t("Stopped waiting for '{0}'. Azure may still finish the change; the tree shows the VM as it is now.", services.store.hostLabel(target.host)));
      }
      return;
    case 'newHost':
      if (cancelled || error instanceof AcceptedWriteError) {
        // The PUT may have been sent (or was accepted, then failed): the VM may exist whether or not anyone waits.
        services.store.reloadSubscription(target.subscriptionId);
      }
      if (cancelled) {
        tell(error instanceof AcceptedWriteError ? error.message : t("Stopped waiting for '{0}'. Azure may still finish creating it; the tree shows what Azure has now.", target.name));
      }
      return;
    case 'newResource':
      if (cancelled) {
        tell(t("Stopped waiting for '{0}'. Azure may still finish creating it.", target.name));
      }
      return;
    case 'resource':
      if (cancelled) {
        tell(t("Stopped waiting for '{0}'. Azure may still finish the change.", target.name));
      }
      return;
  }
}

/** "Show Script" for a write that gave its script. */
function scriptFollowUps(writeUi: WriteUi, operation: ScriptOperation | undefined): FollowUp[] {
  const { showScript } = writeUi;
  return operation && showScript ? [{ title: writeUi.t('Show Script'), run: () => showScript(operation) }] : [];
}

/** The result notification; not awaited, so the command finishes while the notification stays. */
async function notify(writeUi: WriteUi, message: string, followUps: FollowUp[]): Promise<void> {
  const choice = await writeUi.notify(message, followUps.map((followUp) => followUp.title));
  await followUps.find((followUp) => followUp.title === choice)?.run();
}
