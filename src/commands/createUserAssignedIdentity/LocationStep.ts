import * as vscode from 'vscode';
import { AzureWizardPromptStep } from '../../ui/azext';
import type { CreateIdentityWizardContext } from './CreateIdentityWizardContext';
import { locationProblem } from './validation';

/** The Azure region; defaults to the VM's (an identity can be assigned across regions, but same-region is usual). */
export class LocationStep extends AzureWizardPromptStep<CreateIdentityWizardContext> {
  async prompt(context: CreateIdentityWizardContext): Promise<void> {
    const location = await context.ui.showInputBox({
      prompt: vscode.l10n.t('Enter the location (Azure region) of the new identity'),
      placeHolder: vscode.l10n.t('Location (Azure region) of the new identity, for example eastus'),
      value: context.vm?.location ?? context.resourceGroup?.location ?? '',
      validateInput: (value) => locationProblem(value, vscode.l10n.t),
      stepName: 'location',
    });
    context.location = location.trim().toLowerCase();
  }

  shouldPrompt(context: CreateIdentityWizardContext): boolean {
    return !context.location;
  }
}
