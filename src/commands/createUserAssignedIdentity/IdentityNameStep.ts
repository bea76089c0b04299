import * as vscode from 'vscode';
import { validateUserAssignedIdentityName } from '../../identity/nameRules';
import { AzureWizardPromptStep } from '../../ui/azext';
import type { CreateIdentityWizardContext } from './CreateIdentityWizardContext';

/**
 * The name, checked against ARM's rules on every keystroke. Whether it is taken depends on the resource group (names
 * are unique per group), so ResourceGroupStep checks that. The subscription's identities start loading here.
 */
export class IdentityNameStep extends AzureWizardPromptStep<CreateIdentityWizardContext> {
  async prompt(context: CreateIdentityWizardContext): Promise<void> {
    if (!context.existingIdentities) {
      context.existingIdentities = context.operations.listUserAssignedIdentities(context.subscription.subscriptionId);
      context.existingIdentities.catch(() => undefined); // awaited later, where a failure only means nothing is marked
    }
    context.newIdentityName = (
      await context.ui.showInputBox({
        prompt: vscode.l10n.t('Enter a name for the new user-assigned identity'),
        placeHolder: vscode.l10n.t('Name of the new user-assigned identity, for example id-{0}', context.vm?.name ?? 'backend'),
        value: context.newIdentityName,
        validateInput: (value) => validateUserAssignedIdentityName(value, vscode.l10n.t),
        stepName: 'identityName',
      })
    ).trim();
  }

  shouldPrompt(context: CreateIdentityWizardContext): boolean {
    return !context.newIdentityName;
  }
}
