// Buttons on an error notification that do what the error's message suggests: copy the equivalent command, or switch
// to Azure CLI sign-in (after asking) when VS Code's sign-in lacks a Microsoft Graph permission.
import * as vscode from 'vscode';
import { SETTINGS_SECTION, SIGN_IN_METHOD_SETTING } from '../azure/settings';
import type { IdentityError } from '../identity/identityError';

const t = vscode.l10n.t;

interface ErrorButton {
  title: string;
  callback: () => Promise<void>;
}

export function identityErrorButtons(error: IdentityError): ErrorButton[] {
  const buttons: ErrorButton[] = [];
  const command = error.suggestedCommand;
  if (command) {
    buttons.push({ title: t('Copy Command'), callback: async () => vscode.env.clipboard.writeText(command) });
  }
  if (error.remedy === 'useAzureCliSignIn') {
    buttons.push({ title: t('Use Azure CLI Sign-in'), callback: useAzureCliSignIn });
  }
  return buttons;
}

/** Writes the sign-in method to the USER settings (never a workspace's); extension.ts then rebuilds the account. */
async function useAzureCliSignIn(): Promise<void> {
  const confirm = t('Use Azure CLI');
  const choice = await vscode.window.showWarningMessage(
    t('Sign in with Azure CLI from now on?'),
    {
      modal: true,
      detail: t(
        "This sets {0} to 'azureCli' in your user settings. The extension then uses the account of `az login` (run it in a terminal first if needed), with Azure CLI's Microsoft Graph permissions.",
        `${SETTINGS_SECTION}.${SIGN_IN_METHOD_SETTING}`,
      ),
    },
    confirm,
  );
  if (choice !== confirm) {
    return;
  }
  await vscode.workspace.getConfiguration(SETTINGS_SECTION).update(SIGN_IN_METHOD_SETTING, 'azureCli', vscode.ConfigurationTarget.Global);
}
