// The buttons on a result notification that follow up a write (show the JSON, copy a principal id), and copying a
// value with a notification that says so.
import * as vscode from 'vscode';
import type { IdentityHost } from '../identity/model';
import type { IdentityJsonProvider } from './identityJsonProvider';
import { principalItems } from './quickPickItems';
import type { FollowUp } from './writePipeline';

const t = vscode.l10n.t;

/** After a write to a host: "Show Identity JSON", and "Copy Principal ID" when it has a principal. */
export function hostFollowUps(services: { identityJson: IdentityJsonProvider }, host: IdentityHost): FollowUp[] {
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
