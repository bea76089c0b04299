import * as vscode from 'vscode';
import { AzureWizardPromptStep } from '../../ui/azext';
import type { CreateIdentityWizardContext } from './CreateIdentityWizardContext';

/** The Azure region; defaults to the VM's (an identity can be assigned across regions, but same-region is usual). */
export class LocationStep extends AzureWizardPromptStep<CreateIdentityWizardContext> {
  async prompt(context: CreateIdentityWizardContext): Promise<void> {
    const location = await context.ui.showInputBox({
      prompt: vscode.l10n.t('Enter the location (Azure region) of the new identity'),
      value: context.vm?.location ?? context.resourceGroup?.location ?? '',
      validateInput: (value) =>
        /^[a-z0-9]+$/i.test(value.trim())
          ? undefined
          : vscode.l10n.t('Enter a region name such as eastus or westeurope (letters and digits only).'),
      stepName: 'location',
    });
    context.location = location.trim().toLowerCase();
  }

  shouldPrompt(context: CreateIdentityWizardContext): boolean {
    return !context.location;
  }
}
