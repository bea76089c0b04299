import * as vscode from 'vscode';
import { validateUserAssignedIdentityName } from '../../identity/names';
import { AzureWizardPromptStep } from '../../ui/azext';
import type { CreateIdentityWizardContext } from './CreateIdentityWizardContext';
import { identityNameTakenProblem } from './validation';

/** The name, checked against ARM's rules on every keystroke, and against the subscription's identities on Enter. */
export class IdentityNameStep extends AzureWizardPromptStep<CreateIdentityWizardContext> {
  async prompt(context: CreateIdentityWizardContext): Promise<void> {
    context.existingIdentities ??= context.operations.listUserAssignedIdentities(context.subscription.subscriptionId);
    const existing = context.existingIdentities;
    context.newIdentityName = await context.ui.showInputBox({
      prompt: vscode.l10n.t('Enter a name for the new user-assigned identity'),
      placeHolder: vscode.l10n.t('Name of the new user-assigned identity, for example id-{0}', context.vm?.name ?? 'backend'),
      validateInput: (value) => validateUserAssignedIdentityName(value),
      asyncValidationTask: async (value) => identityNameTakenProblem(value, await existing, vscode.l10n.t),
      stepName: 'identityName',
    });
  }

  shouldPrompt(context: CreateIdentityWizardContext): boolean {
    return !context.newIdentityName;
  }
}
