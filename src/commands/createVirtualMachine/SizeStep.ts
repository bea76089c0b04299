import * as vscode from 'vscode';
import { DEFAULT_VM_SIZE, VM_SIZES } from '../../identity/newVirtualMachine';
import { AzureWizardPromptStep } from '../../ui/azext';
import type { CreateVmWizardContext } from './CreateVmWizardContext';

export class SizeStep extends AzureWizardPromptStep<CreateVmWizardContext> {
  async prompt(context: CreateVmWizardContext): Promise<void> {
    const picked = await context.ui.showQuickPick(
      VM_SIZES.map((size) => ({ label: size, description: size === DEFAULT_VM_SIZE ? vscode.l10n.t('default') : undefined, data: size })),
      { placeHolder: vscode.l10n.t('Select a size'), suppressPersistence: true, stepName: 'size' },
    );
    context.vmSize = picked.data;
  }

  shouldPrompt(context: CreateVmWizardContext): boolean {
    return !context.vmSize;
  }
}
