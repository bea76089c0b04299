import * as vscode from 'vscode';
import { validateAdminUsername } from '../../identity/newVirtualMachine';
import { AzureWizardPromptStep } from '../../ui/azext';
import type { CreateVmWizardContext } from './CreateVmWizardContext';

export class AdminUsernameStep extends AzureWizardPromptStep<CreateVmWizardContext> {
  async prompt(context: CreateVmWizardContext): Promise<void> {
    const osType = context.image!.osType;
    context.adminUsername = (
      await context.ui.showInputBox({
        prompt: vscode.l10n.t('Enter the administrator user name'),
        placeHolder: vscode.l10n.t('Administrator user name, for example {0}', osType === 'Windows' ? 'azureadmin' : 'azureuser'),
        value: context.adminUsername ?? (osType === 'Windows' ? 'azureadmin' : 'azureuser'),
        validateInput: (value) => validateAdminUsername(value.trim(), osType, vscode.l10n.t),
        stepName: 'adminUsername',
      })
    ).trim();
  }

  shouldPrompt(context: CreateVmWizardContext): boolean {
    return !context.adminUsername;
  }
}
