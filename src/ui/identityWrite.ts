// Every write runs the same way: a cancellable progress notification naming the VM and the operation, "Updating..."
// on the VM's tree item, the tree and the JSON tab refreshed afterwards (from Azure when the write failed), and a
// result notification with follow-up actions.
import * as vscode from 'vscode';
import { isIdentityError } from '../identity/identityError';
import type { IdentityChange, OperationOptions, VirtualMachine, VmRef } from '../identity/model';
import type { IdentityChangeResult } from '../identity/operations';
import { principalItems } from './quickPickItems';
import type { Services } from './services';

const t = vscode.l10n.t;
const UPDATING_DELAY_MS = 250;

/**
 * Runs `work` under a progress notification titled `title` (which names the VM and the operation), with the VM's item
 * showing "Updating...". Cancelling aborts the AbortSignal passed to the operations module.
 */
export async function runVmWrite<T>(
  services: Services,
  vm: VmRef,
  title: string,
  work: (options: OperationOptions) => Promise<T>,
): Promise<T> {
  // "Updating..." only for writes that take a moment: a quick one would just flicker, and VS Code batches tree
  // refreshes (200 ms), so the item could still say "Updating..." after the result notification.
  let markedUpdating = false;
  const markUpdating = setTimeout(() => {
    markedUpdating = true;
    services.tree.setUpdating(vm, title);
  }, UPDATING_DELAY_MS);
  services.log.info(`${title} (${vm.id})`);
  try {
    return await runCancellable(services, title, vm.name, work);
  } catch (error) {
    // The write may have half-happened (cancelled, or the long-running operation failed): show what Azure has now.
    await services.tree.reloadVm(vm);
    services.identityJson.refresh(vm);
    if (isIdentityError(error) && error.kind === 'cancelled') {
      void vscode.window.showInformationMessage(
        t("Stopped waiting for '{0}'. Azure may still finish the change; the tree shows the VM as it is now.", vm.name),
      );
    }
    throw error;
  } finally {
    clearTimeout(markUpdating);
    if (markedUpdating) {
      services.tree.setUpdating(vm, undefined);
    }
  }
}

/**
 * Runs `work` under a cancellable progress notification titled `title`: cancelling aborts the AbortSignal passed to
 * the operations module, and each progress message shows in the notification and in the log as "`subject`: message".
 */
export function runCancellable<T>(services: Services, title: string, subject: string, work: (options: OperationOptions) => Promise<T>): Promise<T> {
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

/**
 * Runs an identity change on a VM through the operations module and reports it in the module's words ("Assigned
 * 'id-a' to 'vm-1'.", "... is already enabled."), offering "Show Identity JSON" and "Copy Principal ID".
 */
export async function runIdentityWrite(services: Services, vm: VirtualMachine, title: string, change: IdentityChange): Promise<IdentityChangeResult> {
  const result = await runVmWrite(services, vm, title, (options) => services.operations.changeIdentity(vm, change, options));
  services.tree.applyIdentity(vm, result.host.identity);
  if (result.status === 'changed') {
    services.identityJson.refresh(vm);
  }
  services.log.info(result.message);
  void showResult(services, { ...vm, identity: result.host.identity }, result.message);
  return result;
}

/** The success notification; not awaited, so the command finishes while the notification stays. */
export async function showResult(services: Services, vm: VirtualMachine, message: string): Promise<void> {
  const showJson = t('Show Identity JSON');
  const copyPrincipal = t('Copy Principal ID');
  const principals = principalItems(vm, t);
  const actions = principals.length > 0 ? [showJson, copyPrincipal] : [showJson];
  const choice = await vscode.window.showInformationMessage(message, ...actions);
  if (choice === showJson) {
    await services.identityJson.show(vm);
  } else if (choice === copyPrincipal) {
    const pick = principals.length === 1
      ? principals[0]
      : await vscode.window.showQuickPick(principals, { placeHolder: t('Select the identity whose principal ID to copy') });
    if (pick) {
      await copyToClipboard(t('principal ID'), pick.data);
    }
  }
}

/** Copies a value and says so, naming it: "Copied principal ID 1234... to the clipboard." */
export async function copyToClipboard(what: string, value: string): Promise<void> {
  await vscode.env.clipboard.writeText(value);
  void vscode.window.showInformationMessage(t('Copied {0} {1} to the clipboard.', what, value));
}
