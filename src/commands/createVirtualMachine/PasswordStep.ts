import * as vscode from 'vscode';
import { validateWindowsPassword } from '../../identity/newVirtualMachine';
import { AzureWizardPromptStep } from '../../ui/azext';
import type { CreateVmWizardContext } from './CreateVmWizardContext';

const t = vscode.l10n.t;

/** Windows: the administrator's password, typed twice, checked against Azure's rules; it never reaches the log. */
export class PasswordStep extends AzureWizardPromptStep<CreateVmWizardContext> {
  async prompt(context: CreateVmWizardContext): Promise<void> {
    const password = await context.ui.showInputBox({
      prompt: t('Enter the administrator password (12 to 123 characters, three of: lower case, upper case, digit, special character)'),
      placeHolder: t('Administrator password'),
      password: true,
      validateInput: (value) => validateWindowsPassword(value, t),
      stepName: 'password',
    });
    await context.ui.showInputBox({
      prompt: t('Enter the password again'),
      placeHolder: t('Administrator password, again'),
      password: true,
      validateInput: (value) => (value === password ? undefined : t('The passwords do not match.')),
      stepName: 'passwordAgain',
    });
    context.credential = { kind: 'password', password };
  }

  shouldPrompt(context: CreateVmWizardContext): boolean {
    return context.image?.osType === 'Windows' && context.credential?.kind !== 'password';
  }
}
