// VS Code's side of the write pipeline: the cancellable progress notification and the result notification.
import * as vscode from 'vscode';
import type { WriteUi } from './writePipeline';

export const vscodeWriteUi: WriteUi = {
  t: vscode.l10n.t,
  withProgress: (title, work) =>
    Promise.resolve(
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
        const controller = new AbortController();
        const cancellation = token.onCancellationRequested(() => controller.abort());
        try {
          return await work((message) => progress.report({ message }), controller.signal);
        } finally {
          cancellation.dispose();
        }
      }),
    ),
  notify: (message, buttons) => Promise.resolve(vscode.window.showInformationMessage(message, ...buttons)),
};
