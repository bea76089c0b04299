import * as vscode from 'vscode';
import { AzureWizardPromptStep } from '../../ui/azext';
import type { CreateVmWizardContext } from './CreateVmWizardContext';

const t = vscode.l10n.t;

export class SystemIdentityStep extends AzureWizardPromptStep<CreateVmWizardContext> {
  async prompt(context: CreateVmWizardContext): Promise<void> {
    const picked = await context.ui.showQuickPick(
      [
        { label: t('Enable the system-assigned identity'), description: t('Azure creates a service principal tied to the VM'), data: true },
        { label: t('No system-assigned identity'), description: t('user-assigned identities only'), data: false },
      ],
      { placeHolder: t('System-assigned identity of the new virtual machine'), suppressPersistence: true, stepName: 'systemAssigned' },
    );
    context.systemAssigned = picked.data;
  }

  shouldPrompt(context: CreateVmWizardContext): boolean {
    return context.systemAssigned === undefined;
  }
}
